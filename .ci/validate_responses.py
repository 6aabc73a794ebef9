"""Checks answers against the published spec with a third-party validator (openapi-core).

    validate_responses.py examples SPEC          every response example of every operation
    validate_responses.py walk SPEC BASE_URL     a scripted walk of all operations against a
                                                 running sandbox; every request and answer

Both modes validate with openapi-core's response validator (status, headers, body), as a
strict client in another language would read the answer; the walk also validates each request
it sends. Exit 0 clean, 1 on any mismatch (each one printed), 2 if it could not run.
"""

from __future__ import annotations

import base64
import json
import sys
import urllib.error
import urllib.request
from typing import Any, Callable

import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

HOST = "https://www.worksapis.com"  # the spec's server; requests are validated against it
METHODS = ("get", "post", "put", "patch", "delete")


def load(spec_path: str) -> tuple[dict[str, Any], OpenAPI]:
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    return spec, OpenAPI.from_dict(spec)


def operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path template, operation)."""
    out = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                out[item[method]["operationId"]] = (method, path, item[method])
    return out


def deref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def example_path(spec: dict[str, Any], path: str, op: dict[str, Any]) -> tuple[str, dict[str, str]]:
    query = {}
    for p in op.get("parameters", []):
        p = deref(spec, p)
        value = p.get("example", deref(spec, p.get("schema", {})).get("example"))
        if value is None:
            continue
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", str(value))
        elif p["in"] == "query" and p.get("required"):
            query[p["name"]] = str(value)
    return path, query


def media_examples(spec: dict[str, Any], media: dict[str, Any]) -> list[tuple[str, Any]]:
    if "example" in media:
        return [("example", media["example"])]
    return [
        (name, deref(spec, e)["value"]) for name, e in media.get("examples", {}).items()
    ]


def check_examples(spec_path: str) -> int:
    spec, api = load(spec_path)
    checked, failures = 0, 0
    for op_id, (method, path, op) in operations(spec).items():
        concrete, query = example_path(spec, path, op)
        request = MockRequest(HOST, method, "/v1.0" + concrete, args=query)
        for status, response in op["responses"].items():
            response = deref(spec, response)
            media = response.get("content", {}).get("application/json")
            if media is None:
                continue
            for name, value in media_examples(spec, media):
                answer = MockResponse(json.dumps(value).encode(), status_code=int(status))
                checked += 1
                errors = list(api.iter_response_errors(request, answer))
                for e in errors:
                    failures += 1
                    print(f"{op_id} {status} {name}: {describe(e)}")
    print(f"validate_responses: {checked} response examples checked; {failures} mismatches")
    return 1 if failures else 0


def describe(error: Exception) -> str:
    parts = [str(error)]
    for inner in getattr(error, "schema_errors", None) or []:
        where = "/".join(str(p) for p in inner.absolute_path) or "(body)"
        parts.append(f"  at {where}: {inner.message}")
    cause = error.__cause__
    while cause is not None:
        for inner in getattr(cause, "schema_errors", None) or []:
            where = "/".join(str(p) for p in inner.absolute_path) or "(body)"
            parts.append(f"  at {where}: {inner.message}")
        cause = cause.__cause__
    return "\n".join(parts)


class Walk:
    """Sends requests to the sandbox and validates each exchange."""

    def __init__(self, spec_path: str, base_url: str) -> None:
        self.spec, self.api = load(spec_path)
        self.ops = operations(self.spec)
        self.base = base_url.rstrip("/")
        self.seen: dict[str, int] = {}
        self.failures = 0

    def call(
        self,
        op_id: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        query: dict[str, Any] | None = None,
        expect: Callable[[int], bool] = lambda s: 200 <= s < 300,
    ) -> Any:
        method, template, _ = self.ops[op_id]
        path = template
        for k, v in (params or {}).items():
            path = path.replace("{" + k + "}", urllib.request.quote(str(v), safe=""))
        query = {k: str(v) for k, v in (query or {}).items()}
        qs = ("?" + urllib.parse.urlencode(query)) if query else ""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"{self.base}{path}{qs}",
            data=data,
            method=method.upper(),
            headers={"Authorization": "Bearer walk", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                status, raw, headers = res.status, res.read(), dict(res.headers)
        except urllib.error.HTTPError as e:
            status, raw, headers = e.code, e.read(), dict(e.headers)
        content_type = headers.get("content-type", headers.get("Content-Type", "application/json"))
        spec_request = MockRequest(
            HOST, method, "/v1.0" + path, args=query, data=data,
            headers={"Authorization": "Bearer walk"},
        )
        spec_answer = MockResponse(raw, status_code=status, headers=headers, content_type=content_type)
        errors = list(self.api.iter_request_errors(spec_request))
        errors += list(self.api.iter_response_errors(spec_request, spec_answer))
        if not expect(status):
            errors.append(Exception(f"unexpected status {status}: {raw[:300]!r}"))
        for e in errors:
            self.failures += 1
            print(f"{op_id} {method.upper()} {path} -> {status}: {describe(e)}")
        self.seen[op_id] = self.seen.get(op_id, 0) + 1
        return json.loads(raw) if raw.strip() else None


def customer_side(base_url: str, domain_id: int, change: dict[str, Any]) -> None:
    """Plays the customer's part (terms, DNS, paid apps) through the sandbox's own
    `/sandbox/customers/{domainId}`, outside `/v1.0`: the Partner API cannot do it."""
    root = base_url.rstrip("/").removesuffix("/v1.0")
    req = urllib.request.Request(
        f"{root}/sandbox/customers/{domain_id}",
        data=json.dumps(change).encode(),
        method="POST",
        headers={"Authorization": "Bearer walk", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as res:
        res.read()


def walk(spec_path: str, base_url: str, today: str) -> int:
    import datetime as dt

    w = Walk(spec_path, base_url)
    day0 = dt.date.fromisoformat(today)

    def days(n: int) -> str:
        return (day0 + dt.timedelta(days=n)).isoformat()

    ok = lambda s: 200 <= s < 300  # noqa: E731
    refused = lambda s: 400 <= s < 500  # noqa: E731

    # customers
    w.call("verify_domain", body={"domain": "walk.co.jp"})
    customer = {
        "domain": "walk.co.jp", "companyName": "Walk", "phoneNumber": "03-1234-5678",
        "timeZone": "Asia/Tokyo", "locale": "ja_JP",
        # The password goes Base64-encoded (format: byte); its rules hold for the decoded text.
        "administrator": {"lastName": "Yamada", "firstName": "Taro",
                          "password": base64.b64encode(b"Passw0rd1357").decode(),
                          "id": "admin", "privateEmail": "taro@example.net"},
        "partnership": {"customerCode": "WALK-1", "memo": "first"}}
    for password in (b"Passw0rd1234", b"Pass!word"):  # a run of 1-2-3; no digit
        bad = {**customer, "administrator": {**customer["administrator"],
                                             "password": base64.b64encode(password).decode()}}
        w.call("create_customer", body=bad, expect=refused)
    c = w.call("create_customer", body=customer)
    d = {"domainId": c["domainId"]}
    w.call("get_upgrade_domain", d)
    w.call("activate_customer", d, expect=refused)  # the terms are not accepted yet
    customer_side(base_url, c["domainId"], {"termsAccepted": True, "dnsPublished": True})
    w.call("activate_customer", d)
    w.call("activate_customer", d, expect=refused)
    w.call("update_customer_partially", d, body={"companyName": "Walk K.K."})
    w.call("get_customer", d)
    w.call("update_customer", d, body={"companyName": "Walk Holdings", "phoneNumber": "03-9999-0000",
                                       "timeZone": "Asia/Tokyo", "locale": "en_US"})
    page = w.call("list_customers", query={"count": 5})
    while (page.get("responseMetaData") or {}).get("nextCursor"):
        page = w.call("list_customers", query={"count": 5, "cursor": page["responseMetaData"]["nextCursor"]})
    # usage
    w.call("get_usage_status", d)
    w.call("update_usage_status_partially", d, body={"maxMemberCount": 50, "withdrawalDate": None})
    w.call("create_usage_status_renewal", d, body={"applyDate": days(10), "maxMemberCount": 80})
    w.call("update_usage_status_renewal", d, body={"applyDate": days(20)})
    w.call("delete_usage_status_renewal", d)
    w.call("delete_usage_status_renewal", d, expect=refused)
    # domains
    g = w.call("create_customer", body={"domain": "walkgrp.by-works.com", "companyName": "Group",
                                        "phoneNumber": "0120-000-000", "timeZone": "Asia/Tokyo",
                                        "locale": "ja_JP"})
    gd = {"domainId": g["domainId"]}
    w.call("create_upgrade_domain", gd, body={"domain": "walk-real.com"})
    w.call("delete_upgrade_domain", gd)
    w.call("get_upgrade_domain", gd, expect=refused)
    w.call("create_upgrade_domain", gd, body={"domain": "walk-real.com"})
    w.call("change_domain", gd, body={"domain": "walk-real.com"})
    # subscriptions
    pre = w.call("create_pre_order", d, body={"applyDate": days(5), "productId": "STD",
                                               "plan": "ANNUAL_LICENSE", "licenseCount": 10})
    p = {**d, "preOrderId": pre["subscriptionPreOrders"][0]["preOrderId"]}
    w.call("update_pre_order", p, body={"applyDate": days(7)})
    w.call("list_pre_orders", d)
    w.call("delete_pre_order", p)
    trial = w.call("create_subscription", d, body={"productId": "STD_T", "plan": "TRIAL"})
    s = {**d, "subscriptionId": trial["subscriptionId"]}
    w.call("get_subscription", s)
    w.call("list_subscriptions", d)
    w.call("create_subscription_reservation", s, body={"type": "START_PAID_SERVICE",
                                                        "applyDate": days(10), "plan": "MONTHLY"})
    w.call("update_subscription_reservation", s, body={"applyDate": days(12)})
    w.call("get_subscription_reservation", s)
    w.call("delete_subscription_reservation", s)
    w.call("create_option_product", d, body={"optionProductId": "ACV2", "subOptionId": "ACV200"})
    w.call("convert_subscription_to_paid", s, body={"plan": "ANNUAL_LICENSE", "licenseCount": 20})
    w.call("convert_option_product_to_paid", {**d, "optionProductId": "ACV2"}, body={"subOptionId": "ACV201"})
    w.call("get_subscription_renewal", s)
    w.call("update_subscription_renewal", s, body={"type": "CHANGE", "licenseCount": 30})
    w.call("add_license_count", s, body={"licenseCount": 5})
    w.call("upgrade_subscription", s, body={"productId": "ADV"})
    w.call("update_subscription_memo", s, body={"customerCode": "SUB-1"})
    w.call("list_subscription_memos", d)
    # options
    sstg = {**d, "optionProductId": "SSTG2"}
    w.call("create_option_product", d, body={"optionProductId": "SSTG2", "subOptionId": "SSTG201"})
    w.call("upgrade_option_product", sstg, body={"subOptionId": "SSTG203"})
    w.call("create_option_product", d, body={"optionProductId": "DRV", "subOptionId": "DRV_PA", "quantity": 2})
    w.call("add_option_product_quantity", {**d, "optionProductId": "DRV"}, body={"quantity": 3})
    w.call("list_option_products", d)
    w.call("get_option_product_renewal", sstg)
    w.call("update_option_product_renewal", sstg, body={"type": "CHANGE", "subOptionId": "SSTG202"})
    w.call("create_option_product_order", d, body={"type": "CANCEL", "optionProductId": "SSTG2",
                                                    "applyDate": days(3)})
    w.call("update_option_product_order", sstg, body={"applyDate": days(4)})
    w.call("get_option_product_order", sstg)
    w.call("list_option_product_orders", d)
    w.call("delete_option_product_order", sstg)
    w.call("cancel_option_product", sstg)
    # billing (the demo customer 10000001 has history)
    month = {"year": day0.year, "month": day0.month, "productGroupId": "WORKS"}
    w.call("list_option_product_usages", {"domainId": 10000001}, query=month)
    w.call("list_customer_usages", {"domainId": 10000001}, query=month)
    w.call("list_invoices", query={"year": day0.year})
    prev = day0.replace(day=1) - dt.timedelta(days=1)
    details = w.call("list_invoice_details", query={"year": prev.year, "month": prev.month, "count": 3})
    while (details.get("responseMetaData") or {}).get("nextCursor"):
        details = w.call("list_invoice_details", query={
            "year": prev.year, "month": prev.month, "count": 3,
            "cursor": details["responseMetaData"]["nextCursor"]})
    # Online Direct transfer (from the demo seed)
    direct = {"domain": "direct.example.com"}
    w.call("get_potential_customer", direct, query={"partnerCode": "nope"}, expect=refused)
    w.call("get_potential_customer", direct, query={"partnerCode": "WSqPvhm0ON1stFBRHgW3"})
    w.call("transfer_potential_customer", direct, body={"partnerCode": "WSqPvhm0ON1stFBRHgW3"})
    # the operations being withdrawn, on the demo customers (sandbox/seeds/demo.json) so the
    # walk's own customer stays on the current model
    annual, monthly, trial_c = ({"domainId": i} for i in (10000001, 10000002, 10000003))
    w.call("get_legacy_subscription", annual)
    w.call("add_legacy_license_count", annual, body={"addLicenseCount": 5})
    w.call("get_legacy_subscription_renewal", annual)
    w.call("update_legacy_subscription_renewal", annual, body={"type": "STAY"})
    w.call("create_legacy_subscription_reservation", annual, body={
        "type": "ADD_LICENSE", "applyDate": days(5), "licenseCount": 5})
    w.call("update_legacy_subscription_reservation", annual, body={"applyDate": days(6)})
    w.call("get_legacy_subscription_reservation", annual)
    w.call("delete_legacy_subscription_reservation", annual)
    w.call("upgrade_legacy_subscription", monthly, body={"productId": "ADV"})
    w.call("convert_legacy_subscription_to_paid", trial_c, body={"plan": "MONTHLY"})
    w.call("get_legacy_option_product_usage", {**annual, "optionProductId": "ACV2"},
           query={"year": day0.year, "month": day0.month})
    roger = w.call("create_subscription", d, body={"productId": "ROG_STD_T", "plan": "TRIAL_LICENSE"})
    w.call("set_subscription_license_assign_type", {**d, "subscriptionId": roger["subscriptionId"]},
           body={"licenseAssignType": "MANUAL"})
    # ending
    w.call("cancel_subscription", s)
    # With paid apps the deletion waits for the last charges, so the tenant is still there
    # and its usage status shows the pending withdrawal.
    customer_side(base_url, c["domainId"], {"paidApps": True})
    w.call("delete_customer", d)
    w.call("get_usage_status", d)
    # a few errors the spec documents
    w.call("get_customer", {"domainId": 999999999}, expect=lambda st: st == 404)

    missing = sorted(set(w.ops) - set(w.seen))
    for op_id in missing:
        w.failures += 1
        print(f"{op_id}: not called by the walk")
    calls = sum(w.seen.values())
    print(f"validate_responses: walk of {len(w.seen)}/{len(w.ops)} operations, {calls} calls; "
          f"{w.failures} mismatches")
    return 1 if w.failures else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[1] == "examples":
        return check_examples(argv[2])
    if len(argv) >= 5 and argv[1] == "walk":
        return walk(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
