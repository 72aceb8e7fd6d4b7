#!/usr/bin/env python3
"""Generate API Gateway (execute-api) SigV4 test vectors with botocore.

Pinned oracle: botocore==1.44.8 (also in test-vectors/requirements.txt).

    python3 -m venv /tmp/boto
    /tmp/boto/bin/pip install -r test-vectors/requirements.txt
    /tmp/boto/bin/python test-vectors/generate.py   # writes api-gateway/cases.json

How the work is split:
  * This script models the *ApiGatewaySigner rules* of DESIGN.md: from the
    request the user built, it decides the final header set (host derived,
    content-length derived, stale auth headers dropped, date / x-amz-date,
    x-amz-content-sha256, x-amz-security-token set) and which headers are
    signed.
  * botocore (an independent SigV4 implementation) computes everything
    cryptographic from exactly those signed headers: canonical request,
    string to sign, signature, Authorization value and, for presigning, the
    final query. We never call ``add_auth``: it reads the clock and rewrites
    Date in a `-0000` format. We set ``request.context['timestamp']`` and
    call the SigV4Auth / SigV4QueryAuth methods one by one instead.
"""
import base64
import hashlib
import json
import os
import sys
from email.utils import formatdate
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlsplit

PINNED_BOTOCORE = "1.44.8"
SCHEMA_VERSION = 2  # bump when the JSON layout changes (see README.md)

try:
    import botocore  # noqa: E402
except ImportError:
    sys.exit(f"generate.py: botocore is not installed; run in a venv:\n"
             f"  pip install -r test-vectors/requirements.txt  (botocore=={PINNED_BOTOCORE})")

if botocore.__version__ != PINNED_BOTOCORE:
    sys.exit(
        f"generate.py: botocore {botocore.__version__} is installed but the "
        f"vectors are pinned to botocore=={PINNED_BOTOCORE}.\n"
        f"Run: pip install -r test-vectors/requirements.txt (in a venv)"
    )

from botocore.auth import SigV4Auth, SigV4QueryAuth, _host_from_url  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "api-gateway", "cases.json")

# Fixed parameters (a case may override region, time, token).
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
SERVICE = "execute-api"
TIME = "2015-08-30T12:36:00Z"
HOST = "abc123.execute-api.us-east-1.amazonaws.com"
BASE = f"https://{HOST}"
TOKEN = "FQoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLE+session/token=="
EXPIRES = 900

# DESIGN.md "ApiGatewaySigner rules": headers sent but never signed.
UNSIGNED = {
    "authorization", "connection", "expect", "user-agent", "x-amzn-trace-id",
    "transfer-encoding", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization",
}
# Caller-set values the signer never trusts: always removed, then re-set if needed.
REPLACED = {"authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"}
NO_CONTENT_LENGTH_METHODS = {"GET", "HEAD", "OPTIONS"}


def case(name, rule, description, method, url, headers=(), body=b"", *,
         token=None, region=REGION, time=TIME, presign=False, botocore_date=False):
    """Collect one case definition (inputs only; outputs are computed later).

    botocore_date: botocore's own Date-header mode sets the date (RFC 2822,
    `-0000`) instead of the ApiGatewaySigner rule (IMF-fixdate, `GMT`); such a
    case is verify_only: the Verifier must accept botocore's request, and
    ApiGatewaySigner is not compared with it."""
    return dict(name=name, rule=rule, description=description, method=method, url=url,
                headers=[list(h) for h in headers], body=body, token=token,
                region=region, time=time, presign=presign, botocore_date=botocore_date)


def derive_host(url):
    """Host rule: lowercase, port only when not the scheme default, no userinfo,
    IPv6 brackets kept. Cross-checked against botocore's own derivation."""
    parts = urlsplit(url)
    host = parts.hostname  # lowercased, userinfo and brackets stripped
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{parts.port}"
    assert host == _host_from_url(url), (host, _host_from_url(url))
    return host


def final_headers(c, amz_ts, http_date, payload_hash):
    """Apply the ApiGatewaySigner rules to the input headers (without Authorization).
    Returns [lowercase name, value] pairs sorted by name, values of one name in order."""
    hdrs = [[n.lower(), v] for n, v in c["headers"] if n.lower() not in REPLACED]
    names = {n for n, _ in hdrs}
    if "host" not in names:
        hdrs.append(["host", derive_host(c["url"])])
    if (c["method"] not in NO_CONTENT_LENGTH_METHODS and c["body"]
            and "content-length" not in names):
        hdrs.append(["content-length", str(len(c["body"]))])  # bytes, not chars
    if c["presign"]:
        # Presigning: the auth data goes in the query; no date, hash or token header.
        assert "date" not in names, "presign cases take no date header"
    else:
        if "date" in names:  # replace with the signing time, IMF-fixdate, no x-amz-date
            hdrs = [[n, http_date if n == "date" else v] for n, v in hdrs]
        else:
            hdrs.append(["x-amz-date", amz_ts])
        hdrs.append(["x-amz-content-sha256", payload_hash])
        if c["token"]:
            hdrs.append(["x-amz-security-token", c["token"]])
    return sorted(hdrs, key=lambda h: h[0])  # stable: keeps multi-value order


def botocore_request(c, signed):
    """An AWSRequest holding exactly the signed headers (in order) and the body."""
    req = AWSRequest(method=c["method"], url=c["url"], data=c["body"])
    for name, value in signed:
        req.headers[name] = value  # HTTPMessage: assignment appends, keeps duplicates
    return req


def compute(c):
    """Run one case through the rules and botocore; return the JSON case object."""
    when = datetime.strptime(c["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    amz_ts = when.strftime("%Y%m%dT%H%M%SZ")
    http_date = formatdate(when.timestamp(), usegmt=True)  # "Sun, 30 Aug 2015 12:36:00 GMT"
    payload_hash = hashlib.sha256(c["body"]).hexdigest()

    headers = final_headers(c, amz_ts, http_date, payload_hash)
    signed = [h for h in headers if h[0] not in UNSIGNED]
    signed_names = sorted({n for n, _ in signed})
    unsigned_names = sorted({n for n, _ in headers if n in UNSIGNED} - {"authorization"})

    creds = Credentials(ACCESS_KEY, SECRET_KEY, c["token"])
    req = botocore_request(c, signed)
    req.context["timestamp"] = amz_ts
    if c["presign"]:
        auth = SigV4QueryAuth(creds, SERVICE, c["region"], expires=EXPIRES)
        # Moves X-Amz-Algorithm/Credential/Date/Expires/SignedHeaders (+ token) into
        # the query, re-encoding the existing query (botocore keeps one value per key).
        original_query = urlsplit(c["url"]).query
        pairs = parse_qsl(original_query, keep_blank_values=True)
        assert len({k for k, _ in pairs}) == len(pairs), "botocore keeps one value per key"
        auth._modify_request_before_signing(req)
        if original_query:  # botocore re-encoded it: must be byte-identical to ours
            assert urlsplit(req.url).query.startswith(original_query + "&"), req.url
    else:
        auth = SigV4Auth(creds, SERVICE, c["region"])
        # botocore takes the payload hash from this header: it must be the body's.
        assert req.headers["X-Amz-Content-SHA256"] == payload_hash == auth.payload(req)
        if c["botocore_date"]:
            # botocore's Date-header mode (what add_auth does): Date rewritten
            # from the context timestamp by email.utils.formatdate, `-0000`.
            auth._set_necessary_date_headers(req)
            date = req.headers["Date"]
            assert date.endswith(" -0000") and "X-Amz-Date" not in req.headers, date
            headers = [[n, date if n == "date" else v] for n, v in headers]
            signed = [[n, date if n == "date" else v] for n, v in signed]

    # Botocore must sign exactly our header set, with the values we send.
    bc_headers = auth.headers_to_sign(req)
    assert sorted(set(bc_headers)) == signed_names, (c["name"], sorted(set(bc_headers)))
    for name in signed_names:
        assert bc_headers.get_all(name) == [v for n, v in signed if n == name], name
    assert auth.signed_headers(bc_headers) == ";".join(signed_names)
    assert auth.payload(req) == payload_hash

    creq = auth.canonical_request(req)
    sts = auth.string_to_sign(req, creq)
    sig = auth.signature(sts, req)
    auth._inject_signature_to_request(req, sig)  # Authorization header or X-Amz-Signature
    assert creq.endswith("\n" + payload_hash)

    expected = {
        "url": req.url,
        "signed_headers": signed_names,
        "unsigned_headers": unsigned_names,
        "canonical_request": creq,
        "string_to_sign": sts,
        "signature": sig,
        "payload_sha256": payload_hash,
        "presigned_query": None,
    }
    if c["presign"]:
        # Decoded [name, value] pairs of the final URL, in botocore's order.
        expected["presigned_query"] = [list(p) for p in
                                       parse_qsl(urlsplit(req.url).query, keep_blank_values=True)]
        assert expected["presigned_query"][-1] == ["X-Amz-Signature", sig]
    else:
        assert req.url == c["url"]
        headers.append(["authorization", req.headers["Authorization"]])
        headers.sort(key=lambda h: h[0])
    expected["headers"] = headers

    # Stale caller values must not survive signing.
    for name, value in c["headers"]:
        if name.lower() in REPLACED:
            assert [name.lower(), value] not in headers, (c["name"], name)

    try:
        body, encoding = c["body"].decode("utf-8"), "utf8"
    except UnicodeDecodeError:
        body, encoding = base64.b64encode(c["body"]).decode("ascii"), "base64"
    return {
        "name": c["name"],
        "rule": c["rule"],
        "description": c["description"],
        "signer": {
            "access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "session_token": c["token"],
            "region": c["region"], "service": SERVICE, "time": c["time"],
            "mode": "presign" if c["presign"] else "header",
            "expires_secs": EXPIRES if c["presign"] else None,
        },
        "input": {"method": c["method"], "url": c["url"], "headers": c["headers"],
                  "body": body, "body_encoding": encoding},
        "expected": expected,
        "verify_only": c["botocore_date"],
    }


JSON_BODY = '{"name": "café", "qty": 2}'.encode()  # é: 2 bytes, so length != chars
STALE = [
    ("Authorization", "AWS4-HMAC-SHA256 Credential=OLDKEY/20100101/us-east-1/execute-api/"
                      "aws4_request, SignedHeaders=host, Signature=" + "0" * 64),
    ("X-Amz-Date", "20100101T000000Z"),
    ("X-Amz-Content-Sha256", "deadbeef" * 8),
    ("X-Amz-Security-Token", "stale-token"),
]

CASES = [
    # 1. host derivation
    case("get_vanilla", "no host header: host derived from the URI, set on the request and signed",
         "Plain GET; the signer adds host, x-amz-date, x-amz-content-sha256, authorization.",
         "GET", f"{BASE}/prod/pets"),
    case("get_empty_path", "an empty URI path is canonicalized as /",
         "GET of the bare host, no path at all.", "GET", BASE),
    case("host_explicit_vpc_endpoint", "an explicit host header wins over the URI authority",
         "Private API through a VPC endpoint: connect to the vpce address, sign the API's host.",
         "GET", "https://vpce-0123456789abcdef0-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com"
                "/prod/pets", [("Host", HOST)]),
    # 3. ports, case, userinfo, IPv6
    case("host_non_default_port", "a non-default port is kept in the derived host",
         "https URL on :8443, derived host is host:8443.", "GET", f"https://{HOST}:8443/prod/pets"),
    case("host_default_port_dropped", "the scheme's default port is dropped from the derived host",
         "https URL with an explicit :443, derived host has no port.",
         "GET", f"https://{HOST}:443/prod/pets"),
    case("host_uppercase_lowercased", "the derived host is lowercased",
         "URL authority in mixed case.", "GET",
         "https://ABC123.Execute-Api.US-EAST-1.amazonaws.com/prod/pets"),
    case("host_userinfo_dropped", "userinfo is never part of the derived host",
         "URL with user:password@ before the host.", "GET", f"https://user:pw@{HOST}/prod/pets"),
    case("host_ipv6_port", "IPv6 brackets are kept in the derived host",
         "Local test double reached by an IPv6 literal with a port.", "GET",
         "https://[::1]:8443/prod/pets"),
    # 4. query canonicalization
    case("query_canonicalization", "query sorted by encoded name then value, duplicates kept, "
         "empty value as name=",
         "Duplicate keys, key without '=', empty value, %3D in a value, %20, %2B, UTF-8, "
         "*!'() encoded, and names that sort differently as 'k=v' strings.",
         "GET", f"{BASE}/prod/search?b=2&a=1&a=0&flag&empty=&expr=x%3Dy&sp=a%20b&plus=a%2Bb"
                "&uni=caf%C3%A9%E2%9C%93&sym=%2A%21%27%28%29&a-b=3&a%20b=4&tilde=~-._"),
    # 5. path double encoding and normalization
    case("path_double_encoding_connections", "the encoded path is encoded again: @ -> %40, "
         "%3D -> %253D, = -> %3D",
         "WebSocket @connections management path with an encoded '=' in the id.",
         "POST", f"{BASE}/prod/@connections/abc%3D", [("Content-Type", "application/json")],
         b'{"message":"hi"}'),
    case("path_double_encoding_slash", "an encoded slash is not decoded: %2F -> %252F",
         "Path parameter holding a slash, plus a raw '=' and an encoded UTF-8 segment.",
         "GET", f"{BASE}/prod/items/a%2Fb/k=v/caf%C3%A9"),
    case("path_normalized", "dot segments removed and // collapsed before encoding",
         "Path with ./, ../ and an empty segment; trailing slash kept.",
         "GET", f"{BASE}/prod/./a/../items//x/"),
    # 6-8. content-length
    case("post_json_derived_content_length", "non-empty body and no content-length: "
         "content-length derived (in bytes), set and signed",
         "POST JSON with content-type, no content-length given.",
         "POST", f"{BASE}/prod/pets", [("Content-Type", "application/json")], JSON_BODY),
    case("post_json_given_content_length", "a caller-set content-length is kept and signed",
         "POST JSON where the caller already set content-length.", "POST", f"{BASE}/prod/pets",
         [("Content-Type", "application/json"), ("Content-Length", str(len(JSON_BODY)))],
         JSON_BODY),
    case("put_empty_body", "empty body: no content-length added (never content-length: 0)",
         "PUT with no body.", "PUT", f"{BASE}/prod/pets/1"),
    # 9. methods that never get a content-length
    case("head_no_content_length", "HEAD never gets a content-length", "HEAD, empty body.",
         "HEAD", f"{BASE}/prod/pets"),
    case("options_no_content_length", "OPTIONS never gets a content-length",
         "OPTIONS, empty body.", "OPTIONS", f"{BASE}/prod/pets"),
    case("get_with_body_no_content_length", "GET never gets a content-length, even with a body; "
         "the body is still hashed", "GET carrying a small body.", "GET",
         f"{BASE}/prod/search", [("Content-Type", "application/json")], b'{"q":"x"}'),
    # 10-11. stale values, session token
    case("stale_auth_headers_replaced", "caller-set authorization, x-amz-date, "
         "x-amz-content-sha256 and x-amz-security-token are dropped and re-set",
         "Retry of a signed request: old values present, long-term credentials (no token, "
         "so the stale token is removed and not replaced).", "GET", f"{BASE}/prod/pets", STALE),
    case("session_token", "temporary credentials: x-amz-security-token set and signed",
         "STS credentials on a plain GET.", "GET", f"{BASE}/prod/pets", token=TOKEN),
    case("session_token_replaces_stale", "a stale x-amz-security-token is replaced by the "
         "credentials' token", "Retry with STS credentials and every stale auth header.",
         "POST", f"{BASE}/prod/pets", STALE + [("Content-Type", "application/json")], JSON_BODY,
         token=TOKEN),
    # 12. date header
    case("date_header_replaced", "a date header is replaced by the signing time (IMF-fixdate) "
         "and signed; no x-amz-date", "Caller set an old Date.", "GET", f"{BASE}/prod/pets",
         [("Date", "Mon, 01 Jan 2001 00:00:00 GMT")]),
    case("date_header_removes_stale_x_amz_date", "with a date header, a stale x-amz-date is "
         "removed", "Caller set both an old Date and an old X-Amz-Date.", "GET",
         f"{BASE}/prod/pets", [("X-Amz-Date", "20100101T000000Z"), ("Date", "garbage")]),
    case("date_header_other_time", "date header and scope use the signing time",
         "Leap-day, last second of the day, eu-west-1.", "GET",
         "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets",
         [("Date", "Thu, 01 Jan 1970 00:00:00 GMT")], region="eu-west-1",
         time="2024-02-29T23:59:59Z"),
    # 13. sent but not signed
    case("unsigned_hop_by_hop_headers", "user-agent, x-amzn-trace-id, connection and hop-by-hop "
         "headers are sent but not signed",
         "GET with every excluded header except expect and transfer-encoding.",
         "GET", f"{BASE}/prod/pets",
         [("User-Agent", "my-client/1.0"), ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"),
          ("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"),
          ("Trailer", "x-checksum"), ("Upgrade", "websocket"),
          ("Proxy-Authorization", "Basic dXNlcjpwYXNz"), ("X-Signed", "yes")]),
    case("unsigned_expect", "expect is sent but not signed",
         "POST with Expect: 100-continue and a given content-length.", "POST",
         f"{BASE}/prod/upload", [("Expect", "100-continue"), ("Content-Length", "11")],
         b"hello world"),
    case("unsigned_transfer_encoding", "transfer-encoding is sent but not signed",
         "PUT with Transfer-Encoding: chunked and an empty body (no content-length added).",
         "PUT", f"{BASE}/prod/upload", [("Transfer-Encoding", "chunked")]),
    # 14-15. header value canonicalization, names
    case("header_multi_value", "values of one name joined with ',' in order",
         "X-Multi set three times (non-adjacent, different name cases).", "GET",
         f"{BASE}/prod/pets", [("X-Multi", "b"), ("Accept", "application/json"),
                               ("x-multi", "a"), ("X-MULTI", "c, d")]),
    case("header_whitespace_folded", "values trimmed, inner runs of spaces folded to one "
         "(spaces only: botocore also folds tabs)",
         "Leading, trailing and inner runs of spaces, also in a multi-value header; "
         "an empty value.", "GET", f"{BASE}/prod/pets",
         [("X-Spaces", "  a   b    c  "), ("X-Multi", " one  two "), ("X-Multi", "  three"),
          ("X-Empty", "")]),
    case("header_names_mixed_case", "header names lowercased and sorted",
         "Mixed-case custom and standard names; values keep their case.", "POST",
         f"{BASE}/prod/pets", [("X-Custom-Header", "MixedValue"), ("CONTENT-TYPE", "Text/Plain"),
                               ("x-aNoThEr", "1")], b"plain body"),
    # 16. presigning
    case("presign_get", "presign: host signed, auth params in the query, payload is the "
         "empty-string hash", "Presigned GET, 900 s.", "GET", f"{BASE}/prod/pets", presign=True),
    case("presign_get_session_token", "presign: X-Amz-Security-Token in the query and signed",
         "Presigned GET with STS credentials.", "GET", f"{BASE}/prod/pets", token=TOKEN,
         presign=True),
    case("presign_get_existing_query", "presign: the existing query is kept before the auth "
         "params and signed with them", "Presigned GET with a query (encoded space, UTF-8).",
         "GET", f"{BASE}/prod/search?q=a%20b&lang=caf%C3%A9&empty=", presign=True),
    case("presign_get_extra_headers", "presign: caller headers are signed except the unsigned "
         "ones", "Presigned GET in eu-west-1 with a custom header and a user-agent.", "GET",
         "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets",
         [("X-Custom", "1"), ("User-Agent", "my-client/1.0")], region="eu-west-1", presign=True),
    # 17. other methods with bodies
    case("put_small_body", "PUT body hashed, content-length derived", "PUT a text body.",
         "PUT", f"{BASE}/prod/pets/1", [("Content-Type", "text/plain")], b"rex"),
    case("patch_small_body", "PATCH body hashed, content-length derived",
         "PATCH a JSON merge patch.", "PATCH", f"{BASE}/prod/pets/1",
         [("Content-Type", "application/merge-patch+json")], b'{"name":"rex"}'),
    case("delete_small_body", "DELETE body hashed, content-length derived",
         "DELETE with a JSON body.", "DELETE", f"{BASE}/prod/pets", [], b'{"ids":[1,2]}'),
    # 18. binary
    case("binary_body", "binary (non-UTF-8) body hashed as bytes",
         "POST octet-stream with bytes that are not UTF-8 (body is base64 in the JSON).",
         "POST", f"{BASE}/prod/blob", [("Content-Type", "application/octet-stream")],
         bytes([0x00, 0x01, 0x7F, 0x80, 0xC3, 0x28, 0xFE, 0xFF]) + b"bin\r\n"),
    # 19. what real clients send (issue 13, item 8)
    case("botocore_date_header_mode", "botocore's Date-header mode: Date is RFC 2822 with "
         "-0000 and no x-amz-date is sent; the Verifier reads that date (verify_only)",
         "GET with a Date header, rewritten by botocore itself to "
         "`Sun, 30 Aug 2015 12:36:00 -0000`.",
         "GET", f"{BASE}/prod/pets", [("Date", "Mon, 01 Jan 2001 00:00:00 GMT")],
         botocore_date=True),
    case("path_ending_in_dot_dot", "a normalized path ending in `..` keeps no trailing slash "
         "(/prod/pets/.. signs as /prod), as botocore and aws-c-auth sign it",
         "GET /prod/pets/.. (normalized to /prod; aws-sigv4 would sign /prod/).",
         "GET", f"{BASE}/prod/pets/.."),
    case("tab_in_header_value", "a tab inside a header value folds to a space like runs of "
         "spaces (botocore: ' '.join(value.split()))",
         "GET with X-Custom: `a<TAB>b \t c` sent as is, signed as `a b c`.",
         "GET", f"{BASE}/prod/pets", [("X-Custom", "a\tb \t c")]),
]


def main():
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case name"
    doc = {
        "botocore_version": PINNED_BOTOCORE,
        "generator": "test-vectors/generate.py",
        "schema_version": SCHEMA_VERSION,
        "cases": [compute(c) for c in CASES],
    }
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
