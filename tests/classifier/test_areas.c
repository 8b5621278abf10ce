/* On-site area classes (policy §8): mail's place first, the registry's as a fallback, CN and pinyin/English. */
#include <criterion/criterion.h>

#include "common.h"

typedef struct {
  const char *name;
  const char *mail_city, *mail_district;
  const char *reg_city, *reg_district; /* NULL: no asset */
  const char *onsite, *city, *district;
  gboolean unverified;
} AreaCase;

static const AreaCase areas[] = {
  { "Beijing Haidian", "北京市", "海淀区", NULL, NULL, "4h", "北京市", "海淀区", FALSE },
  { "short forms", "北京", "海淀", NULL, NULL, "4h", "北京市", "海淀区", FALSE },
  { "pinyin", "Beijing", "Haidian District", NULL, NULL, "4h", "北京市", "海淀区", FALSE },
  { "pinyin upper case", "BEIJING", "CHAOYANG", NULL, NULL, "4h", "北京市", "朝阳区", FALSE },
  { "a non-urban district of Beijing", "北京市", "昌平区", NULL, NULL, "negotiated", "北京市", "昌平区",
    FALSE },
  { "non-urban district in pinyin", "Beijing", "Miyun District", NULL, NULL, "negotiated", "北京市",
    "Miyun District", FALSE },
  { "a city without a district", "北京市", NULL, NULL, NULL, "4h", "北京市", NULL, TRUE },
  { "Tianjin urban", "天津市", "南开区", NULL, NULL, "4h", "天津市", "南开区", FALSE },
  { "Tianjin Xiqing", "天津市", "西青区", NULL, NULL, "negotiated", "天津市", "西青区", FALSE },
  { "Tianjin Binhai", "Tianjin", "Binhai New Area", NULL, NULL, "negotiated", "天津市", "Binhai New Area",
    FALSE },
  { "Hangzhou Xihu", "杭州市", "西湖区", NULL, NULL, "4h", "杭州市", "西湖区", FALSE },
  { "Hangzhou Xiaoshan", "杭州", "萧山区", NULL, NULL, "negotiated", "杭州市", "萧山区", FALSE },
  { "Shenzhen Bao'an", "Shenzhen", "Bao'an District", NULL, NULL, "4h", "深圳市", "宝安区", FALSE },
  { "Shenzhen Nanshan", "深圳市", "南山区", NULL, NULL, "4h", "深圳市", "南山区", FALSE },
  { "Chengdu Gaoxin", "成都市", "高新区", NULL, NULL, "4h", "成都市", "高新区", FALSE },
  { "Chengdu Hi-Tech Zone", "Chengdu", "Hi-Tech Zone", NULL, NULL, "4h", "成都市", "高新区", FALSE },
  { "Chengdu Shuangliu", "成都市", "双流区", NULL, NULL, "negotiated", "成都市", "双流区", FALSE },
  { "Shanghai", "上海市", "浦东新区", NULL, NULL, "next_day", "上海市", "浦东新区", FALSE },
  { "Shanghai pinyin", "Shanghai", NULL, NULL, NULL, "next_day", "上海市", NULL, FALSE },
  { "Shijiazhuang", "石家庄市", NULL, NULL, NULL, "next_day", "石家庄市", NULL, FALSE },
  { "Xi'an", "Xi'an", NULL, NULL, NULL, "next_day", "西安市", NULL, FALSE },
  { "Suzhou second tier", "苏州", "工业园区", NULL, NULL, "next_day", "苏州市", "工业园区", FALSE },
  { "Qingdao", "青岛市", "黄岛区", NULL, NULL, "next_day", "青岛市", "黄岛区", FALSE },
  { "Linyi", "临沂市", NULL, NULL, NULL, "next_day", "临沂市", NULL, FALSE },
  { "Chongqing", "重庆", NULL, NULL, NULL, "next_day", "重庆市", NULL, FALSE },
  { "Lhasa (西藏)", "拉萨市", "城关区", NULL, NULL, "negotiated", "拉萨市", "城关区", FALSE },
  { "Lhasa pinyin", "Lhasa", NULL, NULL, NULL, "negotiated", "拉萨市", NULL, FALSE },
  { "西藏 as a whole", "西藏", NULL, NULL, NULL, "negotiated", "西藏自治区", NULL, FALSE },
  { "Urumqi (新疆)", "乌鲁木齐市", "新市区", NULL, NULL, "negotiated", "乌鲁木齐市", "新市区", FALSE },
  { "Xinjiang Kashgar", "喀什市", NULL, NULL, NULL, "negotiated", "喀什市", NULL, FALSE },
  { "a county elsewhere", "廊坊市", "固安县", NULL, NULL, "negotiated", "廊坊市", "固安县", FALSE },
  { "no location anywhere", NULL, NULL, NULL, NULL, "unknown", NULL, NULL, FALSE },
  { "the registry fills the place", NULL, NULL, "天津市", "河西区", "4h", "天津市", "河西区", FALSE },
  { "the registry's city without district", NULL, NULL, "北京市", "", "4h", "北京市", NULL, TRUE },
  { "the mail wins (device moved)", "西安市", "未央区", "西安市", "高新区", "next_day", "西安市", "未央区",
    FALSE },
  { "the mail wins over a 4h registry place", "拉萨市", NULL, "北京市", "海淀区", "negotiated", "拉萨市",
    NULL, FALSE },
  { "same city: the registry's district", "北京", NULL, "北京市", "海淀区", "4h", "北京市", "海淀区", FALSE },
  { "a district alone", NULL, "海淀区", NULL, NULL, "4h", "北京市", "海淀区", FALSE },
  { "with the province", "四川省成都市", "武侯区", NULL, NULL, "4h", "成都市", "武侯区", FALSE },
};

Test(areas, table)
{
  for (guint i = 0; i < G_N_ELEMENTS(areas); i++) {
    const AreaCase *c = &areas[i];
    g_autoptr(ClassifierAsset) a = NULL;
    if (c->reg_city) {
      a = t_asset("RCS25A0012345", "gold", "2025-03-10");
      a->city = g_strdup(c->reg_city);
      a->district = *c->reg_district ? g_strdup(c->reg_district) : NULL;
    }
    g_autoptr(ParserRequest) req =
      t_request_full("RCS25A0012345", "服务器宕机", c->mail_city, c->mail_district);
    g_autoptr(ClassifierResult) r = t_classify(req, a, "2026-11-23T10:00:00");
    g_autofree char *explain = classifier_result_explain(r);
    cr_expect_str_eq(classifier_onsite_class_name(r->onsite_class), c->onsite, "[%s] expected %s, got %s\n%s",
                     c->name, c->onsite, classifier_onsite_class_name(r->onsite_class), explain);
    cr_expect_str_eq(r->city ? r->city : "null", c->city ? c->city : "null", "[%s] city %s", c->name,
                     r->city);
    cr_expect_str_eq(r->district ? r->district : "null", c->district ? c->district : "null",
                     "[%s] district %s", c->name, r->district);
    cr_expect_eq(t_has_reason(r, "district_unverified"), c->unverified, "[%s] district_unverified", c->name);
    cr_expect_eq(!!(r->missing & (1u << CLASSIFIER_FIELD_LOCATION)), c->city == NULL && c->district == NULL,
                 "[%s] location missing", c->name);
  }
}

/* A district several cities have, named without a city (issue 15): the registry's city when it has one of
 * that name, never the registry's own district; else no place, a note, location missing. */
static ClassifierResult *
shared_case(const char *reg_city, const char *reg_district)
{
  g_autoptr(ClassifierAsset) a = NULL;
  if (reg_city) {
    a = t_asset("RCS25A0012345", "gold", "2025-03-10");
    a->city = g_strdup(reg_city);
    a->district = g_strdup(reg_district);
  }
  g_autoptr(ParserRequest) req = t_request_full("RCS25A0012345", "服务器宕机", NULL, NULL);
  req->district_shared = g_strdup("朝阳区");
  req->district_cities = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(req->district_cities, g_strdup("北京市"));
  g_ptr_array_add(req->district_cities, g_strdup("长春市"));
  return t_classify(req, a, "2026-11-23T10:00:00");
}

Test(areas, shared_district_under_the_registry_city)
{
  g_autoptr(ClassifierResult) r = shared_case("北京市", "海淀区");
  g_autofree char *explain = classifier_result_explain(r);
  cr_expect_str_eq(r->city ? r->city : "null", "北京市", "%s", explain);
  cr_expect_str_eq(r->district ? r->district : "null", "朝阳区",
                   "the mail's district, not the registry's\n%s", explain);
  cr_expect_str_eq(classifier_onsite_class_name(r->onsite_class), "4h");
  cr_expect(!t_has_reason(r, "district_unverified"));
}

Test(areas, shared_district_left_for_review)
{
  const char *reg[][2] = { { "南京市", "鼓楼区" }, { NULL, NULL } };
  for (guint i = 0; i < G_N_ELEMENTS(reg); i++) {
    g_autoptr(ClassifierResult) r = shared_case(reg[i][0], reg[i][1]);
    g_autofree char *explain = classifier_result_explain(r);
    cr_expect_null(r->city, "[%s] city %s\n%s", reg[i][0], r->city, explain);
    cr_expect_null(r->district, "[%s] district %s", reg[i][0], r->district);
    cr_expect_str_eq(classifier_onsite_class_name(r->onsite_class), "unknown");
    cr_expect(t_has_reason(r, "district_unverified"), "[%s] says so\n%s", reg[i][0], explain);
    cr_expect(r->missing & (1u << CLASSIFIER_FIELD_LOCATION), "[%s] location missing", reg[i][0]);
  }
}

/* The place in Latin letters for an English acknowledgement, from the service areas' aliases. */
Test(areas, place_in_latin_letters)
{
  const char *cases[][3] = {
    { "北京市", "海淀区", "Haidian, Beijing" },
    { "天津市", "", "Tianjin" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(ParserRequest) req = t_request_full("RCS25A0012345", "服务器宕机", cases[i][0], cases[i][1]);
    g_autoptr(ClassifierResult) r = t_classify(req, NULL, "2026-11-23T10:00:00");
    if (cases[i][2])
      cr_expect_str_eq(r->place_latin ? r->place_latin : "NULL", cases[i][2], "%s%s", cases[i][0],
                       cases[i][1]);
  }
}
