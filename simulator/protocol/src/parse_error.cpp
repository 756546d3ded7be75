#include <wsuslab/protocol/codec.hpp>

namespace wsuslab::protocol {

fault_code parse_error::code() const {
    return status == parse_status::wrong_envelope_namespace ? fault_code::version_mismatch
                                                            : fault_code::client;
}

std::optional<error_code> parse_error::application_error() const {
    switch (status) {
        case parse_status::missing_element:
        case parse_status::invalid_value:
        case parse_status::array_too_long:
            return error_code::invalid_parameters;
        case parse_status::wrong_namespace:
            // Only a parameter inside a known operation has a name; a wrapper in the wrong
            // namespace is a routing problem.
            if (!parameter.empty()) {
                return error_code::invalid_parameters;
            }
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

}  // namespace wsuslab::protocol
