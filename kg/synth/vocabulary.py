"""The small lists synthetic records are drawn from: real Bulgarian places and name patterns.

Programmes, procedures, funds, target groups, activity wordings and plan texts are not listed
here: :mod:`kg.synth.reference` takes them from the bundled records, so the synthetic data
speaks of the same programmes and code lists as the real data.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.records.normalize import slugify


@dataclass(frozen=True)
class Town:
    """A town that is the seat of a municipality, and the district it lies in."""

    name: str
    district: str

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def district_slug(self) -> str:
        return slugify(self.district)


TOWNS: tuple[Town, ...] = tuple(Town(name, district) for name, district in (
    ("Видин", "Видин"), ("Белоградчик", "Видин"), ("Кула", "Видин"), ("Дунавци", "Видин"),
    ("Кюстендил", "Кюстендил"), ("Дупница", "Кюстендил"), ("Сапарева баня", "Кюстендил"),
    ("Монтана", "Монтана"), ("Лом", "Монтана"), ("Берковица", "Монтана"),
    ("Враца", "Враца"), ("Мездра", "Враца"), ("Плевен", "Плевен"), ("Левски", "Плевен"),
    ("Ловеч", "Ловеч"), ("Габрово", "Габрово"), ("Велико Търново", "Велико Търново"),
    ("Русе", "Русе"), ("Разград", "Разград"), ("Търговище", "Търговище"), ("Шумен", "Шумен"),
    ("Силистра", "Силистра"), ("Добрич", "Добрич"), ("Варна", "Варна"), ("Бургас", "Бургас"),
    ("Айтос", "Бургас"), ("Ямбол", "Ямбол"), ("Сливен", "Сливен"), ("Стара Загора", "Стара Загора"),
    ("Казанлък", "Стара Загора"), ("Хасково", "Хасково"), ("Кърджали", "Кърджали"),
    ("Смолян", "Смолян"), ("Пловдив", "Пловдив"), ("Асеновград", "Пловдив"),
    ("Пазарджик", "Пазарджик"), ("Благоевград", "Благоевград"), ("Петрич", "Благоевград"),
    ("Перник", "Перник"), ("Самоков", "София"),
))

PATRONS = ("Христо Ботев", "Васил Левски", "Св. св. Кирил и Методий", "Иван Вазов", "Отец Паисий",
           "Неофит Рилски", "Любен Каравелов", "Георги Раковски", "Христо Смирненски",
           "Йордан Йовков", "Елин Пелин", "Пейо Яворов", "Никола Вапцаров", "Димчо Дебелянов")
KINDERGARTEN_NAMES = ("Слънце", "Звездичка", "Щастливо детство", "Пролет", "Детелина", "Радост",
                      "Калина", "Дъга", "Мир", "Надежда")
ASSOCIATION_NAMES = ("Бъдеще за децата", "Заедно", "Равни шансове", "Подкрепа", "Нов път", "Знание",
                     "Общност", "Съпричастност", "Мост", "Шанс за всеки")

# (kind of organisation, name pattern, id prefix): {n} is an ordinal where a town needs more.
ORGANISATION_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("school-primary", "{n}ОУ „{patron}“ – {town}", "ou"),
    ("school-secondary", "{n}СУ „{patron}“ – {town}", "su"),
    ("kindergarten", "{n}ДГ „{kindergarten}“ – {town}", "dg"),
    ("association", "Сдружение „{association}{n}“ – {town}", "sdruzhenie"),
    ("chitalishte", "НЧ „{patron}{n}“ – {town}", "nch"),
)

PROJECT_THEMES = (
    "Равни възможности за малцинствата и уязвимите групи",
    "Предоставяне на интегрирани услуги за независим живот",
    "Интегриран подход за социално-икономическа интеграция на уязвими групи",
    "Услуги за ранно детско развитие",
    "Образователна интеграция на деца и ученици от етническите малцинства",
    "Патронажна грижа за възрастни хора и лица с увреждания",
    "Заетост и приобщаване на младежи от уязвими групи",
    "Подкрепа за достоен живот",
)
