"""hubbub: an open-source social contact center and social CRM."""
