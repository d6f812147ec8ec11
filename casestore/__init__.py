"""Case store (信访件库): cases, units, routing and the citizen look-up API.

Run with ``uvicorn --factory casestore.main:create_app --port 8000``.
"""
