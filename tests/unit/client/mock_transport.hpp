#pragma once
// gMock transport for the agent tests (see fake_wsus.hpp for the scripted server it usually
// delegates to).

#include <string>

#include <gmock/gmock.h>

#include <wsuslab/client/transport.hpp>

namespace wsuslab::client::testing {

class mock_transport : public transport {
public:
    MOCK_METHOD(transport_result, post,
                (const std::string& url, const std::string& soap_action, const std::string& body),
                (override));
    MOCK_METHOD(transport_result, post_with_headers,
                (const std::string& url, const std::string& soap_action, const std::string& body,
                 const http_headers& headers),
                (override));
    MOCK_METHOD(transport_result, head, (const std::string& url), (override));
    MOCK_METHOD(transport_result, get, (const std::string& url), (override));
};

}  // namespace wsuslab::client::testing
