"""Fake but real-looking personal data for demo customers: names, emails, phones.

Every email is on a reserved example domain and every phone number is random, so no
generated row can belong to a real person.
"""

from __future__ import annotations

import numpy as np

# fmt: off
SURNAMES = np.array([
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu",
    "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie",
    "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong",
    "Pan", "Yuan", "Cai", "Jiang", "Yu", "Du", "Ye", "Cheng", "Wei", "Su", "Lu", "Ding",
    "Ren", "Shen", "Yao", "Fu",
], dtype=object)
GIVEN_NAMES = np.array([
    "Wei", "Fang", "Min", "Jing", "Lei", "Jun", "Yan", "Tao", "Hui", "Qiang", "Na", "Bo",
    "Ling", "Gang", "Mei", "Ping", "Xin", "Yun", "Hao", "Kai", "Rui", "Dan", "Ming", "Ting",
    "Peng", "Yu", "Xue", "Jian", "Hong", "Bin", "Juan", "Chao", "Yong", "Lan", "Feng",
    "Qing", "Hua", "Zhen", "Lin", "Jie", "Xia", "Yi", "Hai", "Shan", "Long", "Fei", "Ning",
    "Qian", "Jia", "Ying", "Wen", "Bing", "Xiang", "Lu", "Yang", "Chun", "Dong", "Kun",
], dtype=object)
# fmt: on
EMAIL_DOMAINS = np.array(["example.com", "example.net", "example.org"], dtype=object)
MOBILE_PREFIXES = np.array(
    [130, 131, 132, 135, 136, 137, 138, 139, 150, 151, 152, 158, 159, 186, 187, 188, 189]
)


def fake_people(
    customer_numbers: np.ndarray, rng: np.random.Generator
) -> tuple[list[str], list[str], list[str]]:
    """Names, emails and phones for customers; the number keeps every email unique."""
    count = len(customer_numbers)
    given = GIVEN_NAMES[rng.integers(0, len(GIVEN_NAMES), count)]
    surname = SURNAMES[rng.integers(0, len(SURNAMES), count)]
    domain = EMAIL_DOMAINS[rng.integers(0, len(EMAIL_DOMAINS), count)]
    prefix = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), count)].tolist()
    middle = rng.integers(0, 10_000, count).tolist()
    last = rng.integers(0, 10_000, count).tolist()
    numbers = customer_numbers.tolist()
    names = (given + " " + surname).tolist()
    emails = [
        f"{g}.{s}{n}@{d}".lower()
        for g, s, n, d in zip(
            given.tolist(), surname.tolist(), numbers, domain.tolist(), strict=True
        )
    ]
    phones = [f"+86 {p} {m:04d} {x:04d}" for p, m, x in zip(prefix, middle, last, strict=True)]
    return names, emails, phones
