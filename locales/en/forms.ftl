# Request forms (issue 17 step 2).
