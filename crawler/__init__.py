"""gov-report crawler: China's government information-disclosure annual reports."""
