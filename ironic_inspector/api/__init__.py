"""The inspector HTTP API: WSGI application, routes, errors, auth."""
