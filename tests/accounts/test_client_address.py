"""The client's address behind the city's reverse proxy, for the login protection.

nginx (docs/betrieb.md) appends the address it sees to X-Forwarded-For and reaches gunicorn from
127.0.0.1. Everything left of that entry comes from the client and may be forged.
"""

import pytest

from integration.client_address import client_address, parse_networks

PASSWORD = "ein-sicheres-Passwort-123"
PROXY = "127.0.0.1"
ATTACKER = "203.0.113.66"
BUERO = "198.51.100.20"


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        (PROXY, ATTACKER, ATTACKER),
        (PROXY, f"{BUERO}, {ATTACKER}", ATTACKER),  # forged left part, nginx's entry on the right
        (PROXY, f"garbage, {ATTACKER}", ATTACKER),
        (PROXY, f"{ATTACKER}, 10.0.0.5", ATTACKER),  # a second proxy of ours in front
        (PROXY, f"{ATTACKER}:50123", ATTACKER),
        (PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        (PROXY, "", PROXY),  # a request that bypassed nginx on the same host
        (ATTACKER, BUERO, ATTACKER),  # not from a trusted proxy: the header counts for nothing
    ],
)
def test_trusted_proxies_give_the_right_most_untrusted_entry(remote_addr, forwarded_for, expected):
    trusted = parse_networks(["127.0.0.1", "10.0.0.0/8"])
    assert client_address(remote_addr, forwarded_for, trusted_proxies=trusted) == expected


@pytest.mark.parametrize(
    ("forwarded_for", "count", "expected"),
    [
        (ATTACKER, 1, ATTACKER),
        (f"{BUERO}, {ATTACKER}", 1, ATTACKER),
        (f"{BUERO}, {ATTACKER}, 10.0.0.5", 2, ATTACKER),
        ("", 1, PROXY),
        ("not-an-address", 1, PROXY),
    ],
)
def test_proxy_count_takes_that_many_entries_from_the_right(forwarded_for, count, expected):
    assert client_address(PROXY, forwarded_for, proxy_count=count) == expected


def test_without_a_configured_proxy_the_header_is_ignored():
    assert client_address(PROXY, BUERO) == PROXY
    assert client_address("::ffff:192.0.2.1", None) == "192.0.2.1"


def _login(client, password, address):
    # As nginx passes it on: from the proxy's address, the client's address appended.
    return client.post(
        "/anmelden/",
        {"username": "buero-admin", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.mark.parametrize("configuration", [{"TRUSTED_PROXY_COUNT": 1}, {"TRUSTED_PROXIES": ["127.0.0.1"]}])
def test_attacker_behind_the_proxy_cannot_lock_the_buero_out(client, settings, buero_user, configuration):
    """Reproduces the attack: five wrong passwords from one client used to lock the user name for
    every client behind the proxy, because all of them came from the proxy's address."""
    for name, value in configuration.items():
        setattr(settings, name, value)
    for _attempt in range(4):
        assert _login(client, "falsch", ATTACKER).status_code == 200
    assert _login(client, "falsch", ATTACKER).status_code == 429, "the fifth failure locks"
    assert _login(client, PASSWORD, ATTACKER).status_code == 429, "the attacker's address stays locked"
    # The attacker forging the Büro's address gains nothing: nginx appends the real one.
    assert _login(client, PASSWORD, f"{BUERO}, {ATTACKER}").status_code == 429

    response = _login(client, PASSWORD, BUERO)
    assert response.status_code == 302, "the Büro, from its own address, gets in"
    assert response["Location"].startswith("/anmelden/bestaetigen/")


def test_without_a_configured_proxy_a_forged_header_does_not_escape_the_lock(client, buero_user):
    for attempt in range(5):
        _login(client, "falsch", f"192.0.2.{attempt}")  # a new forged address each time
    assert _login(client, PASSWORD, "192.0.2.99").status_code == 429
