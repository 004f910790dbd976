"""The API's endpoints: thin views over the same selectors and services as the pages.

Every view is exempt from the login-redirect middleware so that DRF itself answers an
anonymous request with a JSON 401. Querysets come from the visibility selectors, so an
object the user may not see is a 404, never a 403.
"""
