// Parsing and writing applicability rules (the Core-fragment form, MS-WUSP §3.1.1.1).
#include <wsuslab/protocol/applicability.hpp>

#include <cstring>
#include <string>

#include <pugixml.hpp>

#include "applicability_catalog.hpp"
#include "applicability_parse.hpp"
#include "applicability_rule.hpp"

namespace wsuslab::protocol {
namespace {

using parse_outcome = std::variant<rule_ptr, rule_error>;

std::vector<std::pair<std::string, std::string>> attributes_of(pugi::xml_node node) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto a : node.attributes()) {
        out.emplace_back(a.name(), a.value());
    }
    return out;
}

/// An element kept as written: metadata, value children, and (in `keep` mode) what the agent
/// cannot read. Its text is the concatenated character data of the element itself.
std::shared_ptr<rule> verbatim(pugi::xml_node node, rule_kind kind, std::size_t depth) {
    auto r = std::make_shared<rule>();
    r->kind = kind;
    r->name = node.name();
    r->attributes = attributes_of(node);
    for (auto c = node.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
            r->text += c.value();
        } else if (c.type() == pugi::node_element && depth < max_rule_depth * 2) {
            r->children.push_back(verbatim(c, rule_kind::plain_element, depth + 1));
        }
    }
    return r;
}

class rule_parser {
public:
    explicit rule_parser(rule_parse_options options) : options_(options) {}

    parse_outcome parse(pugi::xml_node node, std::size_t depth) {
        if (depth > max_rule_depth) {
            return rule_error{"rules nested deeper than " + std::to_string(max_rule_depth) +
                              " levels"};
        }
        std::string const name = node.name();
        auto const* spec = detail::find_rule_spec(name);
        if (spec == nullptr) {
            return degrade(node, rule_kind::unknown, "unknown rule element '" + name + "'", false);
        }
        auto r = std::make_shared<rule>();
        r->kind = spec->kind;
        r->name = name;
        r->attributes = attributes_of(node);
        for (auto const& [attr, value] : r->attributes) {
            if (!spec->any_attributes && !detail::allows_attribute(*spec, attr)) {
                return degrade(node, rule_kind::invalid, name + ": unknown attribute '" + attr + "'", true);
            }
        }
        bool const takes_values = spec->kind == rule_kind::msi_feature_installed_for_product ||
                                  spec->kind == rule_kind::msi_component_installed_for_product;
        for (auto c = node.first_child(); c; c = c.next_sibling()) {
            if ((c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) && !spec->any_attributes) {
                return degrade(node, rule_kind::invalid, name + ": unexpected text '" + c.value() + "'", true);
            }
        }
        if (is_composite(spec->kind)) {
            return parse_composite(node, r, depth);
        }
        if (!takes_values && !spec->any_attributes && node.first_child()) {
            return degrade(node, rule_kind::invalid,
                           name + ": unexpected child element '" + node.first_child().name() + "'", true);
        }
        if (auto problem = detail::read_operands(node, *spec, *r)) {
            return degrade(node, rule_kind::invalid, name + ": " + *problem, true);
        }
        if (spec->any_attributes) {
            auto kept = verbatim(node, spec->kind, depth);
            return rule_ptr(kept);
        }
        for (auto c = node.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_element) {
                r->children.push_back(verbatim(c, rule_kind::plain_element, depth + 1));
            }
        }
        return rule_ptr(r);
    }

private:
    static bool is_composite(rule_kind k) {
        return k == rule_kind::logical_and || k == rule_kind::logical_or ||
               k == rule_kind::logical_not || k == rule_kind::reg_key_loop;
    }

    /// An element the agent cannot evaluate: an error when reading a scenario, kept verbatim
    /// (and evaluated to an error) when reading what a server sent.
    parse_outcome degrade(pugi::xml_node node, rule_kind kind, std::string problem, bool known) {
        if (options_.unknown == unknown_rules::reject) {
            return rule_error{std::move(problem)};
        }
        auto r = verbatim(node, kind, 0);
        r->problem = known ? problem : "unknown rule element";
        return rule_ptr(r);
    }

    parse_outcome parse_composite(pugi::xml_node node, std::shared_ptr<rule>& r, std::size_t depth) {
        auto const* spec = detail::find_rule_spec(r->name);
        if (r->kind == rule_kind::reg_key_loop) {
            if (auto problem = detail::read_operands(node, *spec, *r)) {
                return degrade(node, rule_kind::invalid, r->name + ": " + *problem, true);
            }
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
        bool const single = r->kind == rule_kind::logical_not || r->kind == rule_kind::reg_key_loop;
        if (single && r->children.size() != 1) {
            return degrade(node, rule_kind::invalid,
                           r->name + ": expected exactly one child rule, found " +
                               std::to_string(r->children.size()), true);
        }
        if (!single && r->children.empty()) {
            return degrade(node, rule_kind::invalid, r->name + ": no child rules", true);
        }
        return rule_ptr(r);
    }

    rule_parse_options options_;
};

void write_rule(std::string& out, const rule& r) {
    out += '<';
    out += r.name;
    for (auto const& [name, value] : r.attributes) {
        out += ' ';
        out += name;
        out += "=\"";
        append_xml_escaped(out, value, xml_context::attribute);
        out += '"';
    }
    if (r.children.empty() && r.text.empty()) {
        out += " />";
        return;
    }
    out += '>';
    append_xml_escaped(out, r.text, xml_context::text);
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

/// The one rule of an IsInstalled / IsInstallable / IsSuperseded section (null when empty).
std::variant<rule_ptr, rule_error> parse_section(pugi::xml_node section, rule_parser& parser) {
    std::string const name = section.name();
    std::vector<pugi::xml_node> inner;
    for (auto g = section.first_child(); g; g = g.next_sibling()) {
        if (g.type() == pugi::node_element) {
            inner.push_back(g);
        } else if (g.type() == pugi::node_pcdata || g.type() == pugi::node_cdata) {
            return rule_error{name + ": unexpected text '" + g.value() + "'"};
        }
    }
    if (inner.empty()) {
        return rule_ptr();
    }
    if (inner.size() != 1) {
        return rule_error{name + ": expected exactly one rule, found " + std::to_string(inner.size())};
    }
    auto parsed = parser.parse(inner.front(), 1);
    if (auto* e = std::get_if<rule_error>(&parsed)) {
        return *e;
    }
    return std::get<rule_ptr>(parsed);
}

}  // namespace

std::variant<applicability_rules, rule_error> parse_applicability(std::string_view xml,
                                                                 rule_parse_options options) {
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
    rule_parser parser(options);
    for (auto child : root.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            return rule_error{std::string("ApplicabilityRules: unexpected text '") + child.value() + "'"};
        }
        if (child.type() != pugi::node_element) {
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
            if (rules.metadata) {
                return rule_error{"ApplicabilityRules: duplicate Metadata"};
            }
            rules.metadata = verbatim(child, rule_kind::plain_element, 0);
            continue;
        } else if (options.unknown == unknown_rules::keep) {
            rules.notes.push_back("ApplicabilityRules: unknown element '" + name + "' skipped");
            continue;
        } else {
            return rule_error{"unknown element '" + name + "' in ApplicabilityRules"};
        }
        if (*slot) {
            return rule_error{"ApplicabilityRules: duplicate " + name};
        }
        auto section = parse_section(child, parser);
        if (auto* e = std::get_if<rule_error>(&section)) {
            return *e;
        }
        *slot = std::get<rule_ptr>(section);
    }
    return rules;
}

std::string write_applicability(const applicability_rules& rules) {
    if (!rules.is_installed && !rules.is_installable && !rules.is_superseded && !rules.metadata) {
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
    if (rules.metadata) {
        write_rule(out, *rules.metadata);
    }
    out += "</ApplicabilityRules>";
    return out;
}

std::string to_string(const rule_ptr& r) {
    if (!r) {
        return "(none)";
    }
    std::string out = r->name;
    if (r->attributes.empty() && r->children.empty() && r->text.empty()) {
        return out;
    }
    out += '(';
    bool first = true;
    for (auto const& [name, value] : r->attributes) {
        out += first ? "" : ", ";
        out += name + "=\"" + value + "\"";
        first = false;
    }
    if (!r->text.empty()) {
        out += first ? "" : ", ";
        out += "\"" + r->text + "\"";
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
