"""Real places of Hunan used by the demo generator: the 14 市州 and some of their 县市区,
with their administrative division codes (GB/T 2260), which start every 公民身份号码."""

from __future__ import annotations

#: (code, name, [(county code, county name, division code), …]) of every 市州.
CITIES: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    ("CS", "长沙市", [("YL", "岳麓区", "430104"), ("YH", "雨花区", "430111"),
                    ("FR", "芙蓉区", "430102"), ("LY", "浏阳市", "430181")]),
    ("ZZ", "株洲市", [("HT", "荷塘区", "430202"), ("LL", "醴陵市", "430281"),
                    ("YX", "攸县", "430223")]),
    ("XT", "湘潭市", [("YH", "雨湖区", "430302"), ("XX", "湘乡市", "430381"),
                    ("SS", "韶山市", "430382")]),
    ("HY", "衡阳市", [("ZH", "珠晖区", "430405"), ("LY", "耒阳市", "430481"),
                    ("HD", "衡东县", "430424")]),
    ("SY", "邵阳市", [("SQ", "双清区", "430502"), ("WG", "武冈市", "430581"),
                    ("LH", "隆回县", "430524")]),
    ("YY", "岳阳市", [("YLL", "岳阳楼区", "430602"), ("ML", "汨罗市", "430681"),
                    ("PJ", "平江县", "430626")]),
    ("CD", "常德市", [("WL", "武陵区", "430702"), ("LX", "澧县", "430723"),
                    ("TY", "桃源县", "430725")]),
    ("ZJJ", "张家界市", [("YD", "永定区", "430802"), ("WLY", "武陵源区", "430811"),
                      ("CL", "慈利县", "430821")]),
    ("YIY", "益阳市", [("HS", "赫山区", "430903"), ("YJ", "沅江市", "430981"),
                     ("AH", "安化县", "430923")]),
    ("CZ", "郴州市", [("BH", "北湖区", "431002"), ("ZX", "资兴市", "431081"),
                    ("YZ", "宜章县", "431022")]),
    ("YZ", "永州市", [("LL", "零陵区", "431102"), ("LST", "冷水滩区", "431103"),
                    ("DX", "道县", "431124")]),
    ("HH", "怀化市", [("HC", "鹤城区", "431202"), ("HJ", "洪江市", "431281"),
                    ("ZJ", "芷江侗族自治县", "431228")]),
    ("LD", "娄底市", [("LX", "娄星区", "431302"), ("LSJ", "冷水江市", "431381"),
                    ("SF", "双峰县", "431321")]),
    ("XX", "湘西土家族苗族自治州", [("JS", "吉首市", "433101"), ("FH", "凤凰县", "433123"),
                           ("YS", "永顺县", "433127")]),
]

#: Division codes of provincial organisations' members (the provincial capital's districts).
PROVINCIAL_REGIONS = ("430102", "430103", "430104", "430105")

#: Cities where the minority peoples of western Hunan are many.
MINORITY_CITIES = {"XX": ("土家族", "苗族"), "HH": ("侗族", "苗族"), "ZJJ": ("土家族", "白族"),
                   "SY": ("苗族", "瑶族"), "YZ": ("瑶族",)}

TOWNS = ("新塘镇", "白沙镇", "金桥镇", "青山镇", "长乐镇", "花桥镇", "龙潭镇", "石桥镇",
         "杨林镇", "双江镇", "高桥镇", "黄土岭镇")
STREETS = ("东城街道", "西城街道", "南门街道", "城北街道", "新城街道", "文昌街道",
           "解放街道", "人民路街道")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
            "蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
            "薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩"
         "凯健俊帆帅旭宁琳雪梅婷慧颖晶欣怡思佳雨嘉子涵晨阳林峰海波鑫瑶博")


def county_org_name(city: str, county: str) -> str:
    """The name of a county department: districts carry the city's name, counties and
    county-level cities do not (中共长沙市岳麓区委组织部, 中共醴陵市委组织部,
    中共攸县县委组织部)."""
    if county.endswith("区"):
        return f"中共{city}{county}委组织部"
    if len(county) == 2 and county.endswith("县"):
        return f"中共{county}县委组织部"
    return f"中共{county}委组织部"


def county_party_name(city: str, county: str) -> str:
    """The prefix of the county's party bodies, e.g. 长沙市岳麓区 or 醴陵市."""
    return f"{city}{county}" if county.endswith("区") else county
