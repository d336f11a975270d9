import json
import pytest

def test_probe(demo, as_user):
    for who in ["leader", "admin", "economy", "investment", "sysadmin", "secadmin", "auditadmin", "finance"]:
        client = as_user(who)
        r = client.get("/backoffice/")
        print("=====", who, r.status_code)
        ctx = r.context
        print("waiting", [(w.key, w.count, w.label, w.url) for w in ctx["waiting"]])
        print("panels", [p.key for p in ctx["panels"]])
        for p in ctx["panels"]:
            if p.key == "key_figures":
                for k, t in p.context["figures"]:
                    print(" ", k.figure.metric, k.figure.period, k.value, k.change, k.status_label, k.url, [(x.period, x.value) for x in k.trend], k.city and (k.city.org, k.city.growth_pct))
            else:
                print(" ", p.context)
        for c in ctx["charts"]:
            print("chart", c.key, c.title, c.url, json.dumps(c.spec, ensure_ascii=False))
