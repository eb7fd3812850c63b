#include "client/store/demo/demo_data.hpp"

#include <algorithm>
#include <set>

namespace zhuxue::demo {

namespace {

using Strings = std::vector<std::string_view>;

// Frequent surnames of Hubei and the country, the most common first (drawn with falling weight),
// then polyphone surnames that search must read right (单 shan, 曾 zeng, 解 xie, 区 ou, 仇 qiu).
const Strings kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "向", "谭", "田", "周",   "吴",   "徐",  "赵", "胡",
    "郑", "杜", "覃", "邓", "孙", "朱", "马", "郭", "何", "罗", "高",   "林",   "梁",  "宋", "唐",
    "许", "韩", "冯", "曹", "彭", "肖", "董", "袁", "潘", "蒋", "蔡",   "余",   "叶",  "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "崔", "钟", "陆", "汪",   "范",   "金",  "石", "廖",
    "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱",   "屈",   "望",  "万", "牟",
    "谢", "龚", "毛", "雷", "严", "曾", "单", "解", "区", "仇", "欧阳", "司马", "尉迟"};

const Strings kMaleChars = {"伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "浩", "宇",
                            "轩", "博", "文", "俊", "鹏", "飞", "峰", "斌", "辉", "刚", "健",
                            "志", "雄", "晨", "阳", "航", "睿", "泽", "昊", "子", "嘉", "一",
                            "天", "成", "龙", "华", "国", "建", "兵", "海", "波", "林", "凯"};
const Strings kFemaleChars = {"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "萍", "玲",
                              "婷", "雪", "琳", "倩", "颖", "欣", "怡", "佳", "梦", "雨", "思",
                              "涵", "诗", "悦", "可", "心", "晓", "蕾", "薇", "梅", "兰", "秀",
                              "红", "春", "莉", "慧", "洁", "晶", "月", "瑶", "琪", "馨", "萱"};
// Rare characters seen in names: in the BMP (extension A included) and outside it (extension B
// onwards; several from the 通用规范汉字表). Each has a reading in Unihan, so pinyin search finds
// it.
const Strings kRareBmp = {"䶮", "堃", "赟", "喆", "玥", "犇", "淼", "昇",
                          "珺", "旸", "翀", "彧", "祎", "骉", "婳", "燚"};
const Strings kRareSupplementary = {"𪚥",   "𫖯", "𬌗", "𫟹", "𫘪",
                                    "𬍛", "𫓶", "𬊈", "𫍽", "𫄷"};

const Strings kPlaceFirst = {"青", "石", "龙", "云", "桃", "柳", "白", "金", "马", "杨", "黄",
                             "清", "凤", "梅", "松", "竹", "花", "兰", "高", "大", "小", "新",
                             "双", "三", "九", "茶", "枫", "樟", "杉", "泉", "岩", "茅", "香",
                             "月", "星", "磨", "仙", "鹤", "鹿", "桂", "橘", "栗"};
const Strings kPlaceSecond = {"坪", "溪", "河", "岭", "坝", "湾", "口", "山", "台",
                              "冲", "垭", "沱", "桥", "园", "田", "坡", "洞", "峡",
                              "池", "湖", "庄", "铺", "店", "寨", "堡", "岗"};

std::string placeStem(DemoRng& rng) {
    return std::string(rng.pick(kPlaceFirst)) + std::string(rng.pick(kPlaceSecond));
}

std::string_view fromPool(DemoRng& rng, const Strings& pool) {
    // falling weights: the first entries (the commonest) come up far more often
    const auto a = rng.below(pool.size()), b = rng.below(pool.size());
    return pool[std::min(a, b)];
}

} // namespace

std::vector<Township> inventTownships(DemoRng& rng) {
    std::set<std::string> used;
    auto fresh = [&](std::string_view suffix) {
        while (true) {
            std::string name = placeStem(rng) + std::string(suffix);
            if (used.insert(name).second)
                return name;
        }
    };
    std::vector<Township> out(static_cast<std::size_t>(rng.range(8, 14)));
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].name = fresh(rng.chance(70) ? "镇" : "乡");
        const auto villages = rng.range(6, 16);
        for (long long v = 0; v < villages; ++v)
            out[i].villages.push_back(fresh(v == 0 ? "社区" : "村"));
    }
    return out;
}

std::string surname(DemoRng& rng) {
    return std::string(fromPool(rng, kSurnames));
}

std::string givenName(DemoRng& rng, Gender gender) {
    const Strings& pool = gender == Gender::Female ? kFemaleChars : kMaleChars;
    std::string out;
    const int length = rng.chance(80) ? 2 : 1;
    for (int i = 0; i < length; ++i) {
        if (rng.chance(0.7))
            out += rng.pick(kRareSupplementary);
        else if (rng.chance(1.3))
            out += rng.pick(kRareBmp);
        else
            out += rng.pick(pool);
    }
    return out;
}

std::string personName(DemoRng& rng, Gender gender) {
    return surname(rng) + givenName(rng, gender);
}

const std::vector<University>& universities() {
    static const std::vector<University> list = {
        {"武汉大学", StudyLevel::Undergraduate},
        {"华中科技大学", StudyLevel::Undergraduate},
        {"华中师范大学", StudyLevel::Undergraduate},
        {"武汉理工大学", StudyLevel::Undergraduate},
        {"中南财经政法大学", StudyLevel::Undergraduate},
        {"华中农业大学", StudyLevel::Undergraduate},
        {"中国地质大学（武汉）", StudyLevel::Undergraduate},
        {"中南民族大学", StudyLevel::Undergraduate},
        {"湖北大学", StudyLevel::Undergraduate},
        {"三峡大学", StudyLevel::Undergraduate},
        {"长江大学", StudyLevel::Undergraduate},
        {"湖北民族大学", StudyLevel::Undergraduate},
        {"湖北工业大学", StudyLevel::Undergraduate},
        {"武汉科技大学", StudyLevel::Undergraduate},
        {"湖北中医药大学", StudyLevel::Undergraduate},
        {"湖北师范大学", StudyLevel::Undergraduate},
        {"湖北三峡职业技术学院", StudyLevel::Vocational},
        {"三峡旅游职业技术学院", StudyLevel::Vocational},
        {"武汉职业技术学院", StudyLevel::Vocational},
        {"湖北交通职业技术学院", StudyLevel::Vocational},
        {"恩施职业技术学院", StudyLevel::Vocational},
        {"湖北职业技术学院", StudyLevel::Vocational},
    };
    return list;
}

std::pair<std::string_view, int> major(DemoRng& rng, StudyLevel level) {
    static const std::vector<std::pair<std::string_view, int>> undergraduate = {
        {"临床医学", 5},       {"计算机科学与技术", 4},
        {"汉语言文学", 4},     {"会计学", 4},
        {"土木工程", 4},       {"电气工程及其自动化", 4},
        {"小学教育", 4},       {"护理学", 4},
        {"数学与应用数学", 4}, {"机械设计制造及其自动化", 4},
        {"农学", 4},           {"法学", 4},
        {"建筑学", 5},         {"英语", 4}};
    static const std::vector<std::pair<std::string_view, int>> vocational = {
        {"护理", 3},         {"电气自动化技术", 3},     {"学前教育", 3},
        {"旅游管理", 3},     {"汽车检测与维修技术", 3}, {"大数据与会计", 3},
        {"建筑工程技术", 3}, {"现代农业技术", 3}};
    static const std::vector<std::pair<std::string_view, int>> postgraduate = {
        {"教育学", 3}, {"临床医学", 3}, {"计算机技术", 2}, {"农业管理", 2}};
    switch (level) {
    case StudyLevel::Vocational:
        return rng.pick(vocational);
    case StudyLevel::Postgraduate:
        return rng.pick(postgraduate);
    default:
        return rng.pick(undergraduate);
    }
}

std::vector<std::string> highSchools(std::string_view countyName) {
    const std::string c(countyName);
    std::vector<std::string> out = {c + "第一中学", c + "第二中学", c + "职业教育中心"};
    if (c.find("自治县") != std::string::npos)
        out.push_back(c + "民族高级中学");
    else
        out.push_back(c + "第三中学");
    return out;
}

std::string mobile(DemoRng& rng) {
    static const Strings prefixes = {"130", "131", "132", "133", "135", "136", "137", "138",
                                     "139", "150", "151", "152", "155", "156", "157", "158",
                                     "159", "177", "180", "181", "182", "183", "186", "187",
                                     "188", "189", "191", "193", "199"};
    std::string out(rng.pick(prefixes));
    for (int i = 0; i < 8; ++i)
        out += static_cast<char>('0' + rng.below(10));
    return out;
}

std::string bankCard(DemoRng& rng) {
    std::string digits = "62";
    while (digits.size() < 18)
        digits += static_cast<char>('0' + rng.below(10));
    // Luhn: double every second digit from the right, starting with the one left of the check digit
    int sum = 0;
    bool twice = true;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it, twice = !twice) {
        int d = *it - '0';
        if (twice && (d *= 2) > 9)
            d -= 9;
        sum += d;
    }
    digits += static_cast<char>('0' + (10 - sum % 10) % 10);
    return digits;
}

} // namespace zhuxue::demo
