"""Realistic people for the demo city: Chinese names, valid ID numbers, phones, addresses."""
import datetime
import random

from dangjian.core.validators import id_number_check_char

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆建国志文博海峰成林东亮晨洋坤德永庆福兴旭"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美琳雪梅婷玉萍红玲桂兰凤洁琴云莉倩颖佳欣月彤晶燕丹蓉秋菊淑"
REGION = "230702"  # the demo city's area code in generated ID numbers


def person(rng: random.Random, *, born_from: int, born_to: int) -> dict:
    """A person with a name, gender, birth date and a valid 18-digit ID number."""
    gender = rng.choice(("male", "female"))
    pool = GIVEN_MALE if gender == "male" else GIVEN_FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    birth = datetime.date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    seq = rng.randint(0, 99) * 10 + (rng.choice((1, 3, 5, 7, 9)) if gender == "male" else rng.choice((0, 2, 4, 6, 8)))
    first17 = f"{REGION}{birth:%Y%m%d}{seq:03d}"
    return {
        "name": rng.choice(SURNAMES) + given,
        "gender": gender,
        "birth_date": birth,
        "id_number": first17 + id_number_check_char(first17),
    }


def phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "17", "19")) + f"{rng.randint(0, 999999999):09d}"


def address(rng: random.Random, area: str) -> str:
    estates = ("滨河花园", "锦绣家园", "幸福里", "和平小区", "江南新村", "阳光嘉苑", "东风小区", "翠湖苑")
    return f"{area}{rng.choice(estates)}{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
