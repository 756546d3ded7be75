// Compile-time checks that the `operation` enum and the request/response variants of
// messages.hpp list the operations in the same order: operation_of() relies on it.
#include <cstddef>
#include <type_traits>
#include <variant>

#include <wsuslab/protocol/messages.hpp>

namespace wsuslab::protocol {

namespace detail {
// The index of T in a variant, for the order checks below.
template <typename T, typename Variant>
struct variant_index;
template <typename T, typename... Ts>
struct variant_index<T, std::variant<Ts...>> {
    static constexpr std::size_t value = [] {
        constexpr bool same[] = {std::is_same_v<T, Ts>...};
        for (std::size_t i = 0; i < sizeof...(Ts); ++i) {
            if (same[i]) {
                return i;
            }
        }
        return sizeof...(Ts);
    }();
};
template <operation Op, typename Request, typename Response>
constexpr bool in_operation_order() {
    return variant_index<Request, request>::value == static_cast<std::size_t>(Op) &&
           variant_index<Response, response>::value == static_cast<std::size_t>(Op);
}
}  // namespace detail

// operation_of() in messages.hpp turns a variant index into an `operation`: the three lists must agree.
static_assert(std::variant_size_v<request> == static_cast<std::size_t>(operation::report_event_batch) + 1);
static_assert(std::variant_size_v<response> == std::variant_size_v<request>);
static_assert(detail::in_operation_order<operation::get_authorization_cookie, get_authorization_cookie_request,
                                         get_authorization_cookie_response>());
static_assert(detail::in_operation_order<operation::get_config, get_config_request, get_config_response>());
static_assert(detail::in_operation_order<operation::get_cookie, get_cookie_request, get_cookie_response>());
static_assert(detail::in_operation_order<operation::register_computer, register_computer_request,
                                         register_computer_response>());
static_assert(detail::in_operation_order<operation::start_category_scan, start_category_scan_request,
                                         start_category_scan_response>());
static_assert(detail::in_operation_order<operation::sync_updates, sync_updates_request, sync_updates_response>());
static_assert(detail::in_operation_order<operation::sync_printer_catalog, sync_printer_catalog_request,
                                         sync_printer_catalog_response>());
static_assert(detail::in_operation_order<operation::refresh_cache, refresh_cache_request, refresh_cache_response>());
static_assert(detail::in_operation_order<operation::get_extended_update_info, get_extended_update_info_request,
                                         get_extended_update_info_response>());
static_assert(detail::in_operation_order<operation::get_extended_update_info2, get_extended_update_info2_request,
                                         get_extended_update_info2_response>());
static_assert(detail::in_operation_order<operation::get_file_locations, get_file_locations_request,
                                         get_file_locations_response>());
static_assert(detail::in_operation_order<operation::report_event_batch, report_event_batch_request,
                                         report_event_batch_response>());

}  // namespace wsuslab::protocol
