"""Entity resolution keys across scripts and legal forms (mirrors workbench/graph/names.py)."""

from __future__ import annotations

import pytest

from workbench.graph.names import (
    clean_name,
    legal_form,
    looks_public,
    name_key,
    org_markers,
    slug,
)

SAME = {
    "kazakh and russian legal forms, quotes": [
        "ТОО «Сергек Групп»",
        'TOO "Sergek Group"',
        "Sergek Group LLP",
        "«Сергек Групп» ЖШС",
        "Товарищество с ограниченной ответственностью «Сергек Групп»",
        "«Сергек Групп» жауапкершілігі шектеулі серіктестігі",
        "SERGEK GROUP, LLP",
    ],
    "joint-stock company in Kazakh, Russian and English": [
        "АО «Казахтелеком»",
        "Акционерное общество \u201cКазахтелеком\u201d",
        "«Қазақтелеком» АҚ",
        "Kazakhtelecom JSC",
        "JSC Kazakhtelecom",
        "Qazaqtelecom",
    ],
    "chinese characters and pinyin spellings": [
        "杭州海康威视数字技术股份有限公司",
        "Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi",
        "HANGZHOU HAIKANG WEISHI SHUZI JISHU CO., LTD.",
        "Hangzhou Haikangweishi Shuzijishu Co Ltd",
    ],
    "english legal form variants": [
        "Zhejiang Dahua Technology Co., Ltd.",
        "ZHEJIANG DAHUA TECHNOLOGY CO LTD",
        "Zhejiang Dahua Technology Company Limited",
    ],
    "russian LLC": ["ООО «Ростелеком»", "Rostelecom LLC", "OOO Rostelekom"],
    "cyrillic sh/zh and english transliteration": ["Шымкент Сити", "Shymkent City"],
}


@pytest.mark.parametrize("group", sorted(SAME))
def test_spellings_of_one_organisation_share_a_key(group: str) -> None:
    keys = {name_key(n) for n in SAME[group]}
    assert len(keys) == 1, {n: name_key(n) for n in SAME[group]}


def test_different_organisations_keep_different_keys() -> None:
    keys = [name_key(g[0]) for g in SAME.values()]
    assert len(set(keys)) == len(keys)
    assert name_key("Sergek Group LLP") != name_key("Sergek Systems LLP")
    assert name_key("Dahua Technology") != name_key("Uniview Technologies")


def test_translation_is_not_transliteration() -> None:
    # an English trade name and the pinyin of the Chinese name are different strings;
    # they meet through an alias or an identifier, not through the key
    assert name_key("Hangzhou Hikvision Digital Technology Co., Ltd.") != name_key(
        "杭州海康威视数字技术股份有限公司"
    )


def test_products_keep_words_that_look_like_legal_forms() -> None:
    assert name_key("Camera AO-200", organisation=False) != name_key(
        "Camera 200", organisation=False
    )


@pytest.mark.parametrize(
    "name",
    [
        "Ψηφιακή Ασφάλεια",
        "شركة المراقبة",
        "מצלמות בע״מ",
        "निगरानी",
        "กล้อง",
        "감시 카메라",
        "監視カメラ株式会社",
        "😀📹",
        "ТОО",
        "Co., Ltd.",
    ],
)
def test_every_script_gives_a_non_empty_stable_key(name: str) -> None:
    key = name_key(name)
    assert key and key == name_key(name)


def test_emoji_names_are_distinct() -> None:
    assert name_key("😀") != name_key("📹")


def test_clean_name_removes_invisible_characters() -> None:
    dirty = "\u200bТОО\u00a0 «Сергек\u202e Групп»\x00\ufeff "
    assert clean_name(dirty) == "ТОО «Сергек Групп»"
    assert clean_name("e\u0301") == "é"  # NFC


def test_legal_form_public_and_slug() -> None:
    assert legal_form("ТОО «Сергек Групп»") == "ТОО"
    assert legal_form("Sergek") is None
    assert legal_form("浙江大华技术股份有限公司") == "股份有限公司"
    assert looks_public("ГУ «Департамент полиции города Алматы»")
    assert looks_public("Алматы қаласы әкімдігі")
    assert not looks_public("ТОО «Сергек Групп»")
    assert org_markers("ТОО «Сергек Групп»") == (True, False)
    assert org_markers("ГУ «Управление полиции»") == (True, True)
    assert org_markers("Hikvision") == (False, False)
    assert slug("ТОО «Сергек Групп»") == "too-sergek-grupp"
    assert slug("Қазақтелеком") == "kazaktelekom"
    assert slug("😀") == ""
