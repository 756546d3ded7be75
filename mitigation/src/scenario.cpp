#include <wsuslab/mitigation/scenario.hpp>

#include <tuple>

namespace wsuslab::mitigation {
namespace {

bool same_computer(const protocol::computer_info& a, const protocol::computer_info& b) {
    auto tie = [](const protocol::computer_info& c) {
        return std::tie(c.dns_name, c.os_major_version, c.os_minor_version, c.os_build_number,
                        c.os_service_pack_major_number, c.os_service_pack_minor_number,
                        c.os_locale, c.computer_manufacturer, c.computer_model, c.bios_version,
                        c.bios_name, c.bios_release_date, c.processor_architecture, c.suite_mask,
                        c.old_product_type, c.new_product_type, c.system_metrics,
                        c.client_version_major_number, c.client_version_minor_number,
                        c.client_version_build_number, c.client_version_qfe_number,
                        c.os_description, c.oem, c.device_type, c.firmware_version,
                        c.mobile_operator);
    };
    return tie(a) == tie(b);
}

}  // namespace

const revision* scenario::find_revision(std::int32_t revision_id) const {
    for (auto const& r : revisions) {
        if (r.revision_id == revision_id) {
            return &r;
        }
    }
    return nullptr;
}

const client_profile* scenario::find_profile(const std::string& profile_name) const {
    for (auto const& p : profiles) {
        if (p.name == profile_name) {
            return &p;
        }
    }
    return nullptr;
}

std::string_view update_type_name(update_type t) {
    switch (t) {
        case update_type::software: return "Software";
        case update_type::detectoid: return "Detectoid";
        case update_type::category: return "Category";
        case update_type::driver: return "Driver";
    }
    return "Software";
}

std::string_view stray_origin_name(stray_origin o) {
    switch (o) {
        case stray_origin::unknown: return "Unknown";
        case stray_origin::revision_migration: return "RevisionMigration";
        case stray_origin::auto_decline: return "AutoDecline";
    }
    return "Unknown";
}

std::optional<stray_origin> stray_origin_from_name(std::string_view name) {
    for (auto o : {stray_origin::unknown, stray_origin::revision_migration,
                   stray_origin::auto_decline}) {
        if (stray_origin_name(o) == name) {
            return o;
        }
    }
    return std::nullopt;
}

bool operator==(const content_file& a, const content_file& b) {
    return a.name == b.name && a.size == b.size && a.sha1_hex == b.sha1_hex;
}

bool operator==(const prerequisite_clause& a, const prerequisite_clause& b) {
    return a.update_ids == b.update_ids && a.is_category == b.is_category;
}

bool operator==(const revision& a, const revision& b) {
    return a.revision_id == b.revision_id && a.update_id == b.update_id &&
           a.revision_number == b.revision_number && a.type == b.type && a.title == b.title &&
           a.product == b.product && a.classification == b.classification &&
           a.kb_article == b.kb_article && a.prerequisites == b.prerequisites &&
           a.bundled_revisions == b.bundled_revisions &&
           a.applicability_xml == b.applicability_xml && a.core_xml == b.core_xml &&
           a.extended_xml == b.extended_xml && a.localized_xml == b.localized_xml &&
           a.files == b.files && a.declined == b.declined && a.expired == b.expired;
}

bool operator==(const deployment_row& a, const deployment_row& b) {
    return a.deployment_id == b.deployment_id && a.revision_id == b.revision_id &&
           a.target_group == b.target_group && a.action == b.action && a.deadline == b.deadline &&
           a.is_assigned == b.is_assigned && a.last_change_time == b.last_change_time &&
           a.download_priority == b.download_priority && a.stray == b.stray;
}

bool operator==(const target_group& a, const target_group& b) {
    return a.name == b.name && a.parent == b.parent && a.model == b.model;
}

bool operator==(const computer_assignment& a, const computer_assignment& b) {
    return a.computer == b.computer && a.target_group == b.target_group;
}

bool operator==(const client_profile& a, const client_profile& b) {
    return a.name == b.name && a.description == b.description &&
           a.target_groups == b.target_groups && a.client_id == b.client_id &&
           a.dns_name == b.dns_name && a.machine == b.machine && same_computer(a.computer, b.computer);
}

bool operator==(const server_info& a, const server_info& b) {
    return a.name == b.name && a.product_version == b.product_version &&
           a.protocol_version == b.protocol_version &&
           a.config_last_change == b.config_last_change &&
           a.registration_required == b.registration_required &&
           a.client_side_targeting == b.client_side_targeting && a.page_size == b.page_size &&
           a.default_model == b.default_model;
}

bool operator==(const scenario& a, const scenario& b) {
    return a.name == b.name && a.description == b.description && a.server == b.server &&
           a.revisions == b.revisions && a.target_groups == b.target_groups &&
           a.deployments == b.deployments && a.assignments == b.assignments &&
           a.profiles == b.profiles;
}

}  // namespace wsuslab::mitigation
