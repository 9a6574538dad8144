"""(being assembled)"""
