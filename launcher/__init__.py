"""A small process launcher for the whole assistant (进程管理).

`python -m launcher` starts the case store, the action server, the Rasa
server and the voice gateway, waits until each answers its health check,
prints the URLs, and stops them all on Ctrl-C. The integration tests use
the same `Stack` to run the real system on free ports.
"""

from launcher.stack import Service, Stack, default_services

__all__ = ["Service", "Stack", "default_services"]
