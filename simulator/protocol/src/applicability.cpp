// Parsing and writing applicability rules (the Core-fragment form, MS-WUSP §3.1.1.1).
#include <wsuslab/protocol/applicability.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <string>

#include <pugixml.hpp>

#include "applicability_rule.hpp"

namespace wsuslab::protocol {
namespace {

using parse_outcome = std::variant<rule_ptr, rule_error>;

struct element_spec {
    const char* name;  ///< without prefix
    rule_kind kind;
    std::array<const char*, 8> allowed;  ///< attribute names; nullptr-terminated
};

constexpr std::array<element_spec, 10> base_rules{{
    {"RegKeyExists", rule_kind::reg_key_exists, {"Key", "Subkey", "RegType32"}},
    {"RegValueExists", rule_kind::reg_value_exists, {"Key", "Subkey", "Value", "Type", "RegType32"}},
    {"RegSz", rule_kind::reg_sz, {"Key", "Subkey", "Value", "Comparison", "Data", "RegType32"}},
    {"RegDword", rule_kind::reg_dword, {"Key", "Subkey", "Value", "Comparison", "Data", "RegType32"}},
    {"RegSzToVersion",
     rule_kind::reg_sz_to_version,
     {"Key", "Subkey", "Value", "Comparison", "Data", "RegType32"}},
    {"FileExists", rule_kind::file_exists, {"Path", "Csidl", "Version"}},
    {"FileVersion", rule_kind::file_version, {"Path", "Csidl", "Comparison", "Version"}},
    {"WindowsVersion",
     rule_kind::windows_version,
     {"Comparison", "MajorVersion", "MinorVersion", "BuildNumber", "ServicePackMajor",
      "ServicePackMinor", "ProductType"}},
    {"WindowsLanguage", rule_kind::windows_language, {"Language"}},
    {"Processor", rule_kind::processor, {"Architecture"}},
}};

constexpr std::array<std::pair<const char*, comparison>, 9> comparison_names{{
    {"EqualTo", comparison::equal_to},
    {"NotEqualTo", comparison::not_equal_to},
    {"LessThan", comparison::less_than},
    {"LessThanOrEqualTo", comparison::less_than_or_equal_to},
    {"GreaterThan", comparison::greater_than},
    {"GreaterThanOrEqualTo", comparison::greater_than_or_equal_to},
    {"Contains", comparison::contains},
    {"BeginsWith", comparison::begins_with},
    {"EndsWith", comparison::ends_with},
}};

// CSIDL folders a Windows XP / Server 2003 machine resolves (English installation).
constexpr std::array<std::pair<int, const char*>, 6> csidl_folders{{
    {20, "C:\\WINDOWS\\Fonts"},
    {36, "C:\\WINDOWS"},
    {37, "C:\\WINDOWS\\system32"},
    {38, "C:\\Program Files"},
    {43, "C:\\Program Files\\Common Files"},
    {41, "C:\\WINDOWS\\system32"},  // CSIDL_SYSTEMX86 on x86
}};

constexpr std::array<const char*, 5> registry_roots{
    {"HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_CLASSES_ROOT", "HKEY_USERS",
     "HKEY_CURRENT_CONFIG"}};

std::string strip_logical_prefix(const std::string& name) {
    if (name.rfind("lar.", 0) == 0 || name.rfind("lar:", 0) == 0) {
        return name.substr(4);
    }
    return name;
}

bool is_numeric_comparison(comparison c) {
    return c != comparison::contains && c != comparison::begins_with && c != comparison::ends_with;
}

std::optional<std::int64_t> parse_integer(const std::string& text) {
    if (text.empty()) {
        return std::nullopt;
    }
    std::size_t pos = 0;
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        pos = 2;
    }
    std::int64_t value = 0;
    for (; pos < text.size(); ++pos) {
        char const c = text[pos];
        int digit = 0;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        } else {
            return std::nullopt;
        }
        value = value * base + digit;
        if (value > std::numeric_limits<std::uint32_t>::max()) {
            return std::nullopt;
        }
    }
    return value;
}

class rule_parser {
public:
    parse_outcome parse(pugi::xml_node node, std::size_t depth) {
        if (depth > max_rule_depth) {
            return fail("rules nested deeper than " + std::to_string(max_rule_depth) + " levels");
        }
        std::string const name = node.name();
        auto r = std::make_shared<rule>();
        r->name = name;
        for (auto a : node.attributes()) {
            r->attributes.emplace_back(a.name(), a.value());
        }
        for (auto child : node.children()) {
            if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
                return fail(name + ": unexpected text '" + child.value() + "'");
            }
        }
        std::string const logical = strip_logical_prefix(name);
        if (logical == "And" || logical == "Or" || logical == "Not") {
            return parse_logical(node, logical, depth, r);
        }
        if (logical == "True" || logical == "False") {
            if (!r->attributes.empty()) {
                return fail(name + ": unknown attribute '" + r->attributes.front().first + "'");
            }
            if (node.first_child()) {
                return fail(name + ": unexpected child element '" +
                            std::string(node.first_child().name()) + "'");
            }
            r->kind = logical == "True" ? rule_kind::constant_true : rule_kind::constant_false;
            return rule_ptr(r);
        }
        if (name.rfind("b.", 0) == 0) {
            for (auto const& spec : base_rules) {
                if (name.compare(2, std::string::npos, spec.name) == 0) {
                    return parse_base(node, spec, r);
                }
            }
        }
        return fail("unknown rule element '" + name + "'");
    }

private:
    static parse_outcome fail(std::string problem) { return rule_error{std::move(problem)}; }

    parse_outcome parse_logical(pugi::xml_node node, const std::string& logical, std::size_t depth,
                                std::shared_ptr<rule>& r) {
        if (!r->attributes.empty()) {
            return fail(r->name + ": unknown attribute '" + r->attributes.front().first + "'");
        }
        for (auto child = node.first_child(); child; child = child.next_sibling()) {
            if (child.type() != pugi::node_element) {
                continue;
            }
            auto sub = parse(child, depth + 1);
            if (auto* e = std::get_if<rule_error>(&sub)) {
                return *e;
            }
            r->children.push_back(std::get<rule_ptr>(sub));
        }
        if (logical == "Not") {
            if (r->children.size() != 1) {
                return fail(r->name + ": expected exactly one child rule, found " +
                            std::to_string(r->children.size()));
            }
            r->kind = rule_kind::logical_not;
        } else {
            if (r->children.empty()) {
                return fail(r->name + ": no child rules");
            }
            r->kind = logical == "And" ? rule_kind::logical_and : rule_kind::logical_or;
        }
        return rule_ptr(r);
    }

    parse_outcome parse_base(pugi::xml_node node, const element_spec& spec,
                             std::shared_ptr<rule>& r) {
        std::string const& name = r->name;
        if (node.first_child()) {
            return fail(name + ": unexpected child element '" +
                        std::string(node.first_child().name()) + "'");
        }
        for (auto const& [attr, value] : r->attributes) {
            bool known = false;
            for (const char* allowed : spec.allowed) {
                known = known || (allowed != nullptr && attr == allowed);
            }
            if (!known) {
                return fail(name + ": unknown attribute '" + attr + "'");
            }
        }
        auto attr = [&](const char* a) -> std::optional<std::string> {
            if (auto x = node.attribute(a)) {
                return std::string(x.value());
            }
            return std::nullopt;
        };
        r->kind = spec.kind;
        std::optional<std::string> problem;
        switch (spec.kind) {
            case rule_kind::reg_key_exists:
            case rule_kind::reg_value_exists:
            case rule_kind::reg_sz:
            case rule_kind::reg_dword:
            case rule_kind::reg_sz_to_version:
                problem = parse_registry(node, *r);
                break;
            case rule_kind::file_exists:
            case rule_kind::file_version:
                problem = parse_file(node, *r);
                break;
            case rule_kind::windows_version:
                problem = parse_windows_version(node, *r);
                break;
            case rule_kind::windows_language:
                if (auto lang = attr("Language")) {
                    r->data = *lang;
                } else {
                    problem = "missing Language";
                }
                break;
            case rule_kind::processor: {
                auto arch = attr("Architecture");
                if (!arch) {
                    problem = "missing Architecture";
                } else if (*arch == "0") {
                    r->data = "x86";
                } else if (*arch == "6") {
                    r->data = "ia64";
                } else if (*arch == "9") {
                    r->data = "amd64";
                } else {
                    problem = "unknown Architecture '" + *arch + "' (0 x86, 6 ia64, 9 amd64)";
                }
                break;
            }
            default:
                break;
        }
        if (problem) {
            return fail(name + ": " + *problem);
        }
        return rule_ptr(r);
    }

    static std::optional<std::string> parse_comparison(pugi::xml_node node, rule& r, bool numeric,
                                                       bool required) {
        auto a = node.attribute("Comparison");
        if (!a) {
            if (required) {
                return std::string("missing Comparison");
            }
            r.cmp = comparison::equal_to;
            return std::nullopt;
        }
        for (auto const& [text, value] : comparison_names) {
            if (std::strcmp(a.value(), text) == 0) {
                bool const ok = numeric ? is_numeric_comparison(value)
                                        : (value == comparison::equal_to ||
                                           value == comparison::not_equal_to ||
                                           !is_numeric_comparison(value));
                if (!ok) {
                    break;
                }
                r.cmp = value;
                return std::nullopt;
            }
        }
        return "unknown Comparison '" + std::string(a.value()) + "'";
    }

    static std::optional<std::string> parse_registry(pugi::xml_node node, rule& r) {
        auto key = node.attribute("Key");
        if (!key) {
            return std::string("missing Key");
        }
        bool root_known = false;
        for (const char* root : registry_roots) {
            root_known = root_known || std::strcmp(key.value(), root) == 0;
        }
        if (!root_known) {
            return "unknown Key '" + std::string(key.value()) + "'";
        }
        auto subkey = node.attribute("Subkey");
        if (!subkey) {
            return std::string("missing Subkey");
        }
        std::string sub = subkey.value();
        while (!sub.empty() && sub.front() == '\\') {
            sub.erase(0, 1);
        }
        while (!sub.empty() && sub.back() == '\\') {
            sub.pop_back();
        }
        r.reg_key = std::string(key.value()) + (sub.empty() ? "" : "\\" + sub);
        if (r.kind == rule_kind::reg_key_exists) {
            return std::nullopt;
        }
        r.reg_value = std::string(node.attribute("Value").value());
        if (r.kind == rule_kind::reg_value_exists) {
            return std::nullopt;
        }
        bool const numeric = r.kind != rule_kind::reg_sz;
        if (auto p = parse_comparison(node, r, numeric, true)) {
            return p;
        }
        auto data = node.attribute("Data");
        if (!data) {
            return std::string("missing Data");
        }
        r.data = data.value();
        if (r.kind == rule_kind::reg_dword) {
            auto n = parse_integer(r.data);
            if (!n) {
                return "Data '" + r.data + "' is not a DWORD";
            }
            r.dword = static_cast<std::uint32_t>(*n);
        } else if (r.kind == rule_kind::reg_sz_to_version && !detail::parse_version(r.data)) {
            return "Data '" + r.data + "' is not a version";
        }
        return std::nullopt;
    }

    static std::optional<std::string> parse_file(pugi::xml_node node, rule& r) {
        auto path = node.attribute("Path");
        if (!path) {
            return std::string("missing Path");
        }
        std::string p = path.value();
        if (auto csidl = node.attribute("Csidl")) {
            auto n = parse_integer(csidl.value());
            const char* base = nullptr;
            for (auto const& [id, folder] : csidl_folders) {
                if (n && *n == id) {
                    base = folder;
                }
            }
            if (base == nullptr) {
                return "unknown Csidl '" + std::string(csidl.value()) + "'";
            }
            while (!p.empty() && p.front() == '\\') {
                p.erase(0, 1);
            }
            p = std::string(base) + "\\" + p;
        }
        r.file_path = p;
        if (r.kind == rule_kind::file_exists) {
            if (auto v = node.attribute("Version")) {
                if (!detail::parse_version(v.value())) {
                    return "Version '" + std::string(v.value()) + "' is not a version";
                }
                r.file_version = std::string(v.value());
            }
            return std::nullopt;
        }
        if (auto c = parse_comparison(node, r, true, true)) {
            return c;
        }
        auto v = node.attribute("Version");
        if (!v) {
            return std::string("missing Version");
        }
        if (!detail::parse_version(v.value())) {
            return "Version '" + std::string(v.value()) + "' is not a version";
        }
        r.data = v.value();
        return std::nullopt;
    }

    static std::optional<std::string> parse_windows_version(pugi::xml_node node, rule& r) {
        if (auto c = parse_comparison(node, r, true, false)) {
            return c;
        }
        constexpr std::array<const char*, 5> parts{
            {"MajorVersion", "MinorVersion", "BuildNumber", "ServicePackMajor", "ServicePackMinor"}};
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (auto a = node.attribute(parts[i])) {
                auto n = parse_integer(a.value());
                if (!n || *n > std::numeric_limits<std::int32_t>::max()) {
                    return std::string(parts[i]) + " '" + a.value() + "' is not a number";
                }
                r.version_parts.emplace_back(i, static_cast<std::int32_t>(*n));
            }
        }
        if (auto a = node.attribute("ProductType")) {
            auto n = parse_integer(a.value());
            if (!n || *n < 1 || *n > 3) {
                return "ProductType '" + std::string(a.value()) + "' is not 1, 2 or 3";
            }
            r.product_type = static_cast<std::int32_t>(*n);
        }
        return std::nullopt;
    }
};

void append_escaped(std::string& out, const std::string& text) {
    for (char const c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
}

void write_rule(std::string& out, const rule& r) {
    out += '<';
    out += r.name;
    for (auto const& [name, value] : r.attributes) {
        out += ' ';
        out += name;
        out += "=\"";
        append_escaped(out, value);
        out += '"';
    }
    if (r.children.empty()) {
        out += " />";
        return;
    }
    out += '>';
    for (auto const& c : r.children) {
        write_rule(out, *c);
    }
    out += "</" + r.name + ">";
}

pugi::xml_node find_rules_element(const pugi::xml_document& doc) {
    for (auto top : doc.children()) {
        if (std::strcmp(top.name(), "ApplicabilityRules") == 0) {
            return top;
        }
        // A whole Update document: the rules sit one level down.
        if (auto nested = top.child("ApplicabilityRules")) {
            return nested;
        }
    }
    return {};
}

}  // namespace

std::variant<applicability_rules, rule_error> parse_applicability(std::string_view xml) {
    pugi::xml_document doc;
    // A Core fragment is several sibling elements, not a document; parse_fragment accepts that.
    auto const ok = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_fragment,
                                    pugi::encoding_utf8);
    if (!ok) {
        return rule_error{std::string("malformed XML at byte ") + std::to_string(ok.offset) + ": " +
                          ok.description()};
    }
    applicability_rules rules;
    auto const root = find_rules_element(doc);
    if (!root) {
        return rules;
    }
    rule_parser parser;
    for (auto child : root.children()) {
        if (child.type() != pugi::node_element) {
            if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
                return rule_error{std::string("ApplicabilityRules: unexpected text '") +
                                  child.value() + "'"};
            }
            continue;
        }
        std::string const name = child.name();
        rule_ptr* slot = nullptr;
        if (name == "IsInstalled") {
            slot = &rules.is_installed;
        } else if (name == "IsInstallable") {
            slot = &rules.is_installable;
        } else if (name == "IsSuperseded") {
            slot = &rules.is_superseded;
        } else if (name == "Metadata") {
            continue;
        } else {
            return rule_error{"unknown element '" + name + "' in ApplicabilityRules"};
        }
        if (*slot) {
            return rule_error{"ApplicabilityRules: duplicate " + name};
        }
        std::vector<pugi::xml_node> inner;
        for (auto g = child.first_child(); g; g = g.next_sibling()) {
            if (g.type() == pugi::node_element) {
                inner.push_back(g);
            } else if (g.type() == pugi::node_pcdata || g.type() == pugi::node_cdata) {
                return rule_error{name + ": unexpected text '" + g.value() + "'"};
            }
        }
        if (inner.size() != 1) {
            return rule_error{name + ": expected exactly one rule, found " +
                              std::to_string(inner.size())};
        }
        auto parsed = parser.parse(inner.front(), 1);
        if (auto* e = std::get_if<rule_error>(&parsed)) {
            return *e;
        }
        *slot = std::get<rule_ptr>(parsed);
    }
    return rules;
}

std::string write_applicability(const applicability_rules& rules) {
    if (!rules.is_installed && !rules.is_installable && !rules.is_superseded) {
        return {};
    }
    std::string out = "<ApplicabilityRules>";
    auto section = [&out](const char* name, const rule_ptr& r) {
        if (r) {
            out += std::string("<") + name + ">";
            write_rule(out, *r);
            out += std::string("</") + name + ">";
        }
    };
    section("IsInstalled", rules.is_installed);
    section("IsInstallable", rules.is_installable);
    section("IsSuperseded", rules.is_superseded);
    out += "</ApplicabilityRules>";
    return out;
}

std::string to_string(const rule_ptr& r) {
    if (!r) {
        return "(none)";
    }
    std::string out = r->name;
    if (r->attributes.empty() && r->children.empty()) {
        return out;
    }
    out += '(';
    bool first = true;
    for (auto const& [name, value] : r->attributes) {
        out += first ? "" : ", ";
        out += name + "=\"" + value + "\"";
        first = false;
    }
    for (auto const& c : r->children) {
        out += first ? "" : ", ";
        out += to_string(c);
        first = false;
    }
    out += ')';
    return out;
}

}  // namespace wsuslab::protocol
