"""Every 429 of the API carries Retry-After (issue 12): DRF's throttles and the
consultation rate limits alike."""


def test_every_api_429_carries_retry_after():
    from rest_framework.exceptions import Throttled

    from kaifaqu.api.exceptions import exception_handler
    from kaifaqu.consultations.limits import RateLimited

    throttled = exception_handler(Throttled(wait=30), {})
    assert (throttled.status_code, throttled["Retry-After"]) == (429, "30")
    limited = exception_handler(RateLimited(2400), {})
    assert (limited.status_code, limited["Retry-After"]) == (429, "2400")
    assert limited.data["code"] == "rate_limited"
