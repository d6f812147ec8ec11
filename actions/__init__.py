"""Rasa SDK action server of the 智慧信访 assistant.

Actions are thin: they read slots, call one client, pick a response and
return events. Text helpers live in `actions.text`, the case store client in
`actions.casestore_client`, the durable retry queue in `actions.outbox`.
"""
