"""Web chat: hubbub's own "network", an embeddable widget talking to hubbub's public /chat/ endpoints.

There is no outside API, so the folder has no client.py or webhooks.py: visitors reach hubbub
through `hubbub/api/widget.py`, their messages enter the pipeline through `intake.py`, and agents'
replies are delivered by storing them in the conversation (`connector.py`), which the visitor's
event stream reads.
"""
