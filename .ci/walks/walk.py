"""A short scripted walk with the Python client openapi-python-client generated from the spec.

Run by .ci/spec-walks against a fresh sandbox: `python walk.py BASE_URL` with the generated
package `partner_client` on sys.path. Every step checks the typed value it gets back (model
classes, enums, ints), so a spec change that breaks generated Python code fails here.
"""

from __future__ import annotations

import sys
import types
import typing
from typing import Any, TypeVar

import attrs
import partner_client.models
from partner_client import AuthenticatedClient
from partner_client.api.customers import (
    create_customer,
    get_customer,
    list_customers,
    update_customer_partially,
    verify_domain,
)
from partner_client.api.subscriptions import create_subscription, get_legacy_subscription
from partner_client.api.usage import get_usage_status
from partner_client.models import (
    Customer,
    CustomerCreateRequest,
    CustomerList,
    CustomerPatchRequest,
    DomainType,
    Error,
    LegacyProductId,
    LegacySubscription,
    Locale,
    Plan,
    ProductId,
    Subscription,
    SubscriptionCreateRequest,
    UsageStatus,
    VerifyDomainRequest,
    VerifyDomainResult,
)
from partner_client.types import UNSET, Unset

T = TypeVar("T")
STEPS = 0
PREFIX = "walk-py"


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


def conforms(value: Any, hint: Any, path: str) -> None:
    """Checks a parsed value against the annotation the generator wrote for it, recursively.

    The generated `from_dict` copies JSON values without checking them, so without this a type
    change in the spec (say a string field made an integer) would go unnoticed.
    """
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                conforms(value, option, path)
                return
            except AssertionError:
                pass
        raise AssertionError(f"{path}: {value!r} is none of {hint}")
    if hint is type(None):
        check(value is None, f"{path}: expected null, got {value!r}")
    elif origin is list:
        check(isinstance(value, list), f"{path}: expected a list, got {value!r}")
        for i, item in enumerate(value):
            conforms(item, typing.get_args(hint)[0], f"{path}[{i}]")
    elif origin is dict:
        check(isinstance(value, dict), f"{path}: expected an object, got {value!r}")
    elif isinstance(hint, type):
        if hint in (int, float):
            ok = isinstance(value, (int, float) if hint is float else int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, hint)
        check(ok, f"{path}: expected {hint.__name__}, got {value!r}")
        if attrs.has(hint):
            conforms_model(value, path)


def conforms_model(obj: Any, path: str) -> None:
    cls = type(obj)
    # Model modules import each other only under TYPE_CHECKING; resolve names from the package.
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]), vars(partner_client.models))
    for field in attrs.fields(cls):
        if field.name != "additional_properties":
            conforms(getattr(obj, field.name), hints[field.name], f"{path}.{field.name}")


def typed(value: object, kind: type[T], what: str) -> T:
    """The value if it is of the generated type `kind` and every field matches its annotation,
    else a failure naming the step."""
    check(isinstance(value, kind), f"{what}: expected {kind.__name__}, got {value!r}")
    assert isinstance(value, kind)  # narrows for the type checker
    conforms_model(value, what)
    return value


def step(name: str) -> None:
    global STEPS
    STEPS += 1
    print(f"python walk: {name}: ok")


def main(base_url: str) -> None:
    client = AuthenticatedClient(base_url=base_url, token="spec-walks", raise_on_unexpected_status=True)
    domains = [f"{PREFIX}-{i}.example.com" for i in range(3)]

    with client as c:
        res = verify_domain.sync_detailed(client=c, body=VerifyDomainRequest(domain=domains[0]))
        check(res.status_code == 200, f"verify_domain status {res.status_code}")
        verified = typed(res.parsed, VerifyDomainResult, "verify_domain")
        check(verified.domain == domains[0], f"verify_domain domain {verified.domain!r}")
        check(verified.type_ is DomainType.DOMAIN, f"verify_domain type {verified.type_!r}")
        step("verify_domain")

        created: list[Customer] = []
        for i, domain in enumerate(domains):
            body = CustomerCreateRequest(
                domain=domain,
                company_name=f"Walk Python {i}",
                phone_number="03-0000-0000",
                time_zone="Asia/Tokyo",
                locale=Locale.JA_JP,
            )
            res = create_customer.sync_detailed(client=c, body=body)
            check(200 <= res.status_code < 300, f"create_customer status {res.status_code}")
            customer = typed(res.parsed, Customer, "create_customer")
            check(customer.domain == domain, f"create_customer domain {customer.domain!r}")
            check(isinstance(customer.domain_id, int) and customer.domain_id > 0, "create_customer domainId")
            check(customer.locale is Locale.JA_JP, f"create_customer locale {customer.locale!r}")
            created.append(customer)
        step(f"create_customer x{len(created)}")

        first = created[0]
        res = get_customer.sync_detailed(first.domain_id, client=c)
        check(res.status_code == 200, f"get_customer status {res.status_code}")
        read = typed(res.parsed, Customer, "get_customer")
        check(read.domain_id == first.domain_id, "get_customer domainId")
        check(read.company_name == "Walk Python 0", f"get_customer companyName {read.company_name!r}")
        check(read.domain_type is DomainType.DOMAIN, f"get_customer domainType {read.domain_type!r}")
        step("get_customer")

        seen: list[int] = []
        cursor: str | Unset = UNSET
        pages = 0
        while True:
            res = list_customers.sync_detailed(client=c, count=2, cursor=cursor)
            check(res.status_code == 200, f"list_customers status {res.status_code}")
            page = typed(res.parsed, CustomerList, "list_customers")
            rows = [] if isinstance(page.customers, Unset) else page.customers
            check(len(rows) <= 2, f"list_customers page of {len(rows)} with count=2")
            seen += [typed(row, Customer, "list_customers row").domain_id for row in rows]
            pages += 1
            check(pages <= 10, "list_customers does not end")
            meta = page.response_meta_data
            if isinstance(meta, Unset) or isinstance(meta.next_cursor, Unset) or not meta.next_cursor:
                break
            cursor = meta.next_cursor
        check(sorted(seen) == sorted(x.domain_id for x in created), f"list_customers ids {seen}")
        check(pages == 2, f"list_customers pages {pages} for 3 customers at count=2")
        step(f"list_customers: {len(seen)} customers in {pages} pages")

        patch = CustomerPatchRequest(company_name="Walk Python renamed")
        res = update_customer_partially.sync_detailed(first.domain_id, client=c, body=patch)
        check(res.status_code == 200, f"update_customer_partially status {res.status_code}")
        patched = typed(res.parsed, Customer, "update_customer_partially")
        check(patched.company_name == "Walk Python renamed", f"patched companyName {patched.company_name!r}")
        check(patched.phone_number == first.phone_number, "PATCH changed a field it was not sent")
        check(patched.time_zone == "Asia/Tokyo", "PATCH changed timeZone")
        again = typed(get_customer.sync_detailed(first.domain_id, client=c).parsed, Customer, "get_customer")
        check(again.company_name == "Walk Python renamed", "PATCH not visible on read")
        step("update_customer_partially")

        res = get_usage_status.sync_detailed(first.domain_id, client=c)
        check(res.status_code == 200, f"get_usage_status status {res.status_code}")
        usage = typed(res.parsed, UsageStatus, "get_usage_status")
        check(usage.domain_id == first.domain_id, f"get_usage_status domainId {usage.domain_id!r}")
        check(isinstance(usage.member_count, int), f"get_usage_status memberCount {usage.member_count!r}")
        step(f"get_usage_status: {usage.status}, {usage.member_count} members")

        # A deprecated operation (the old domain-level contract read) still works, and shows
        # the subscription the current operation created.
        trial = SubscriptionCreateRequest(product_id=ProductId.STD_T, plan=Plan.TRIAL)
        res = create_subscription.sync_detailed(first.domain_id, client=c, body=trial)
        check(200 <= res.status_code < 300, f"create_subscription status {res.status_code}")
        if res.parsed is not None:
            typed(res.parsed, Subscription, "create_subscription")
        res = get_legacy_subscription.sync_detailed(first.domain_id, client=c)
        check(res.status_code == 200, f"get_legacy_subscription status {res.status_code}")
        legacy = typed(res.parsed, LegacySubscription, "get_legacy_subscription")
        check(legacy.domain_id == first.domain_id, f"get_legacy_subscription domainId {legacy.domain_id!r}")
        check(legacy.product_id is LegacyProductId.STD_T, f"get_legacy_subscription productId {legacy.product_id!r}")
        check(legacy.plan is Plan.TRIAL, f"get_legacy_subscription plan {legacy.plan!r}")
        step("get_legacy_subscription (deprecated)")

        # A value only the Japanese reference lists: Roger's Free plan, counted in licences.
        body = SubscriptionCreateRequest(product_id=ProductId.ROG_FR, plan=Plan.FREE_LICENSE)
        res = create_subscription.sync_detailed(first.domain_id, client=c, body=body)
        check(200 <= res.status_code < 300, f"create_subscription status {res.status_code}")
        sub = typed(res.parsed, Subscription, "create_subscription")
        check(sub.product_id is ProductId.ROG_FR, f"create_subscription productId {sub.product_id!r}")
        check(sub.plan is Plan.FREE_LICENSE, f"create_subscription plan {sub.plan!r}")
        check(isinstance(sub.renewal, Unset) or sub.renewal is None, "a Free plan has no renewal terms")
        step(f"create_subscription: {sub.product_id.value} on {sub.plan.value}")

        missing = max(x.domain_id for x in created) + 1000
        res = get_customer.sync_detailed(missing, client=c)
        check(res.status_code == 404, f"unknown customer status {res.status_code}")
        err = typed(res.parsed, Error, "unknown customer")
        check(err.code == "NOT_FOUND", f"error code {err.code!r}")
        check(isinstance(err.description, str) and err.description != "", "error description missing")
        step(f"get_customer unknown: 404 {err.code}")

    print(f"python walk: {STEPS} passed, 0 failed")


if __name__ == "__main__":
    main(sys.argv[1])
