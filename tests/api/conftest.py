import pytest
from django.test import Client


class ApiClient:
    """A test client that presents a user's API token on every request."""

    def __init__(self, raw_token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: dict | None = None):
        return self.client.post(path, body or {}, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as(world):
    """api_as("edu") → an ApiClient authenticated with a fresh token of world.users["edu"]."""
    from kesu.api.tokens import create_token

    def make(username: str | None) -> ApiClient:
        if username is None:
            return ApiClient(None)
        _, raw_token = create_token(user=world.users[username], name="test")
        return ApiClient(raw_token)

    return make
