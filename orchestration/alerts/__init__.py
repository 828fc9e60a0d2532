"""Alerts: after each publication, every owner of a warning that is new or got worse hears
about it once, in one digest per owner, by email (SMTP) and/or a JSON webhook.

- `due.py`     which warnings are current, who owns them, and which are not yet delivered;
- `recipients.py` the owners' addresses: reps' emails from the mapped CRM, teams' from a
  plan file (`alert_recipients.csv`);
- `digest.py`  one message per owner: the email and the webhook payload;
- `channels.py` SMTP (STARTTLS, password masked in every message) and the webhook;
- `deliveries.py` the delivery log, `quality.alert_deliveries`, in the warehouse;
- `send.py`    at-least-once delivery with retries and back-off.
"""
