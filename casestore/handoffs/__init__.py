"""Conversations handed to a person (转人工): the queue staff work from."""
