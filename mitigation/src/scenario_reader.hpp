#pragma once
// Internal: the state shared by the two passes of the scenario loader. Pass 1
// (scenario_loader.cpp) reads elements and checks each on its own; pass 2
// (scenario_checks.cpp) checks cross references, then generates the derived fragments.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include <wsuslab/mitigation/scenario.hpp>
#include <wsuslab/mitigation/scenario_loader.hpp>
#include <wsuslab/protocol/text.hpp>

namespace wsuslab::mitigation::detail {

/// Byte offset -> 1-based line number.
class line_index {
public:
    explicit line_index(std::string_view text);
    std::size_t line_of(std::ptrdiff_t offset) const;

private:
    std::vector<std::size_t> starts_;
};

/// Where each cross reference was written, for pass 2's messages.
struct reference_lines {
    struct prerequisite_ref {
        std::size_t revision_index;
        std::string update_id;
        std::size_t line;
    };
    struct bundle_ref {
        std::size_t revision_index;
        std::int32_t revision_id;
        std::size_t line;
    };
    struct group_ref {
        std::string owner;  ///< e.g. "computer 'ws-01'" or "profile 'x'"
        std::string group;
        std::size_t line;
    };
    std::vector<prerequisite_ref> prerequisites;
    std::vector<bundle_ref> bundles;
    std::vector<std::size_t> group_lines;  ///< per scenario::target_groups entry (0 = implicit)
    std::vector<group_ref> group_uses;     ///< computers and profiles
};

/// Pass 1: reads the DOM into a scenario, checking each element on its own. Member
/// functions return false after recording the first problem in `err_`.
class scenario_parser {
public:
    scenario_parser(std::string_view text, std::string file);
    /// Both passes; the first problem in document order, or nullopt.
    std::optional<scenario_error> read(const pugi::xml_document& doc);
    scenario take() { return std::move(s_); }

private:
    using element_reader = bool (scenario_parser::*)(pugi::xml_node);
    using names = std::initializer_list<const char*>;

    std::size_t line(pugi::xml_node n) const;
    scenario_error error(pugi::xml_node n, std::string problem) const;
    bool fail(pugi::xml_node n, std::string problem);
    bool check_no_text(pugi::xml_node n, pugi::xml_node parent);
    /// Reads every child of `parent` with `read_one`; each must be one of `child_names`.
    bool each(pugi::xml_node parent, names child_names, element_reader read_one);
    bool check_attributes(pugi::xml_node n, names allowed);
    bool check_children(pugi::xml_node n, names allowed);
    bool require(pugi::xml_node n, const char* attr, std::string& out);
    bool boolean(pugi::xml_node n, const char* attr, bool& out);
    bool integer(pugi::xml_node n, const char* attr, std::int64_t& out, bool required,
                 std::int64_t min, std::int64_t max);
    template <typename Int>
    bool number(pugi::xml_node n, const char* attr, Int& out, bool required, std::int64_t min,
                std::int64_t max) {
        std::int64_t v = static_cast<std::int64_t>(out);
        if (!integer(n, attr, v, required, min, max)) {
            return false;
        }
        out = static_cast<Int>(v);
        return true;
    }
    bool read_text(pugi::xml_node n, std::string& out);
    bool read_server(pugi::xml_node n);
    bool read_update(pugi::xml_node n);
    bool read_update_children(pugi::xml_node n, revision& r, std::size_t index);
    bool read_relationships(pugi::xml_node c, revision& r, std::size_t index);
    bool read_prerequisite(pugi::xml_node m, std::size_t index, prerequisite_clause& clause);
    bool read_bundled(pugi::xml_node m, std::size_t index, std::vector<std::int32_t>& clause);
    bool read_update_files(pugi::xml_node c, revision& r);
    bool read_group(pugi::xml_node n);
    bool read_deployment(pugi::xml_node n);
    bool read_computer(pugi::xml_node n);
    bool read_profile(pugi::xml_node n);
    bool read_profile_children(pugi::xml_node n, client_profile& p);
    bool read_profile_group(pugi::xml_node c, client_profile& p);
    bool read_operating_system(pugi::xml_node c, protocol::machine_state& m,
                               protocol::computer_info& ci);
    bool read_hardware(pugi::xml_node c, protocol::computer_info& ci);
    bool read_agent(pugi::xml_node c, protocol::computer_info& ci);
    bool read_registry(pugi::xml_node c, protocol::machine_state& m);
    bool read_registry_values(pugi::xml_node k, const std::string& path,
                              protocol::machine_state& m);
    /// The machine facts the applicability rules read (scenario_profile_facts.cpp): Processor,
    /// Memory, Mui, SystemMetric, WmiQuery, License, Cluster, MsiProduct, CbsPackage,
    /// ProductRelease, DeviceAttribute, GenericQuery. False after recording a problem.
    bool read_profile_fact(pugi::xml_node c, protocol::machine_state& m);
    bool read_hardware_fact(pugi::xml_node c, protocol::machine_state& m);  ///< else software
    bool read_software_fact(pugi::xml_node c, protocol::machine_state& m);
    bool read_msi_product(pugi::xml_node c, protocol::machine_state& m);
    bool read_files(pugi::xml_node c, protocol::machine_state& m);
    bool read_file_facts(pugi::xml_node f, const std::string& path, protocol::machine_state& m);

    line_index lines_;
    std::string file_;
    scenario s_;
    reference_lines refs_;
    std::optional<scenario_error> err_;
    std::map<std::int32_t, std::size_t> revision_lines_;
    std::map<std::pair<std::string, std::int32_t>, std::pair<std::int32_t, std::size_t>>
        identities_;
    std::map<std::string, std::size_t> profile_lines_;
};

/// An s:date or s:dateTime as protocol::parse_date_time reads it (a real calendar day, optionally a
/// time and a zone).
bool is_date(const std::string& s);
/// One to four dot-separated decimal numbers, e.g. "11.0.8169.0".
bool is_version(const std::string& v);

/// Writes the facts of `m` that read_profile_fact reads, in the documented order.
void write_profile_facts(pugi::xml_node profile, const protocol::machine_state& m);

/// Registry value types a profile may give (<Value Type>).
bool is_registry_type(const std::string& type);

/// Pass 2. Returns the first problem in document order.
std::optional<scenario_error> check_and_complete(scenario& s, const reference_lines& refs,
                                                 const std::string& file);

/// Regenerates core_xml, extended_xml, localized_xml and the files' SHA-1 of every revision
/// (the scenario must already be consistent).
void generate_fragments(scenario& s);

}  // namespace wsuslab::mitigation::detail
