"""Phone: call events from a CTI system (the API) or an Asterisk AMI, stored as posts of kind call."""
