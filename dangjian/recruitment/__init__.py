"""Recruitment of Party members (发展党员): applicants through 5 stages and 25 steps to full membership."""
