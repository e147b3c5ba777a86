"""Single sign-on for city staff with OpenID Connect (mozilla-django-oidc), configured by environment.

- ``provider``: is single sign-on configured, and the provider's discovery document.
- ``backend``: checks the ID token, finds or creates the person, maps the provider's groups to roles.
- ``views``: start, callback (with failures counted by django-axes), logout at the provider.
- ``mfa``: when the provider's multi-factor login counts for the Büro.
"""
