"""Cases (信访件): registration, look-up by number + query code, timeline, lifecycle."""
