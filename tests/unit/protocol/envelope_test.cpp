// read_envelope: every byte-level and structural check of docs/limits-and-faults.md §3.3 with its
// exact description, and the namespace helpers.

#include <string>
#include <utility>

#include <gtest/gtest.h>

#include <wsuslab/protocol/envelope.hpp>
#include <wsuslab/protocol/operations.hpp>

#include "fixtures.hpp"

namespace wsuslab::protocol {
namespace {

const std::string soap_open =
    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>";
const std::string soap_close = "</soap:Body></soap:Envelope>";
const std::string get_config =
    "<GetConfig xmlns=\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService\">"
    "<protocolVersion>1.8</protocolVersion></GetConfig>";

std::string wrap(const std::string& body) { return soap_open + body + soap_close; }

parse_error error_of(const std::string& bytes, const limits& lim = {}) {
    SCOPED_TRACE("an envelope of " + std::to_string(bytes.size()) + " bytes, which must be rejected");
    auto r = read_envelope(bytes, lim);
    EXPECT_FALSE(r.ok()) << "accepted: " << bytes.substr(0, 200);
    return r.ok() ? parse_error{} : r.error();
}

void expect_error(const std::string& bytes, parse_status status, const std::string& description,
                  const limits& lim = {}) {
    SCOPED_TRACE("expecting: " + description);
    const parse_error e = error_of(bytes, lim);
    EXPECT_EQ(e.status, status) << e.description;
    EXPECT_EQ(e.description, description);
}

void expect_fixture_error(const std::string& fixture, parse_status status,
                          const std::string& description) {
    SCOPED_TRACE(fixture);
    expect_error(test::read_fixture(fixture), status, description);
}

TEST(EnvelopeTest, AcceptsTheSpecGetConfigRequest) {
    const auto r = read_envelope(test::read_fixture("soap/valid/GetConfig/request.xml"), {});
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_EQ(r.value().version, soap_version::v1_1);
    EXPECT_EQ(local_name(r.value().body_child), "GetConfig");
    EXPECT_EQ(namespace_of(r.value().body_child), client_ns);
}

TEST(EnvelopeTest, AcceptsSoap12) {
    const auto r = read_envelope(
        "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Body>" + get_config +
            "</e:Body></e:Envelope>",
        {});
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_EQ(r.value().version, soap_version::v1_2);
}

TEST(EnvelopeTest, AcceptsDeclarationBomAndWhitespace) {
    const auto r = read_envelope("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n" +
                                     wrap(get_config) + "\n",
                                 {});
    ASSERT_TRUE(r.ok()) << r.error().description;
    EXPECT_EQ(local_name(r.value().body_child), "GetConfig");
}

TEST(EnvelopeTest, BodyChildSurvivesMovingTheEnvelope) {
    auto r = read_envelope(wrap(get_config), {});
    ASSERT_TRUE(r.ok());
    envelope moved = std::move(r.value());
    EXPECT_EQ(local_name(moved.body_child), "GetConfig");
    EXPECT_STREQ(moved.body_child.first_child().child_value(), "1.8");
}

TEST(EnvelopeTest, RejectsBodyOverTheLimit) {
    limits lim;
    lim.max_body_bytes = 100;
    const std::string body = wrap(get_config);
    expect_error(body, parse_status::body_too_large,
                 "body of " + std::to_string(body.size()) + " bytes exceeds the limit of 100 bytes",
                 lim);
    lim.max_body_bytes = body.size();
    EXPECT_TRUE(read_envelope(body, lim).ok());
}

TEST(EnvelopeTest, RejectsInvalidUtf8WithByteOffset) {
    expect_error("<a>\xC3\x28</a>", parse_status::invalid_utf8, "invalid UTF-8 at byte 3");
    const std::string fixture = test::read_fixture("soap/invalid/invalid-utf8.xml");
    expect_error(fixture, parse_status::invalid_utf8,
                 "invalid UTF-8 at byte " + std::to_string(fixture.find('\xC3')));
    expect_fixture_error("soap/invalid/overlong-utf8.xml", parse_status::invalid_utf8,
                         "invalid UTF-8 at byte 3");
    expect_fixture_error("soap/invalid/surrogate-utf8.xml", parse_status::invalid_utf8,
                         "invalid UTF-8 at byte 3");
    expect_fixture_error("soap/invalid/beyond-unicode-utf8.xml", parse_status::invalid_utf8,
                         "invalid UTF-8 at byte 3");
}

TEST(EnvelopeTest, RejectsUtf16EvenWithBom) {
    expect_error(std::string("\xFF\xFE<\0a\0/\0>\0", 10), parse_status::invalid_utf8,
                 "invalid UTF-8 at byte 0");
}

TEST(EnvelopeTest, RejectsEmbeddedNul) {
    const std::string fixture = test::read_fixture("soap/invalid/nul-byte.xml");
    const auto nul = fixture.find('\0');
    ASSERT_NE(nul, std::string::npos);
    expect_error(fixture, parse_status::nul_byte, "NUL byte at byte " + std::to_string(nul));
    EXPECT_EQ(error_of(fixture).offset, nul);
}

TEST(EnvelopeTest, RejectsCharacterReferencesXmlForbids) {
    const std::string nul_ref = test::read_fixture("soap/invalid/charref-nul.xml");
    expect_error(nul_ref, parse_status::invalid_character_reference,
                 "character reference to U+0000 at byte " + std::to_string(nul_ref.find("&#0;")) +
                     " is not allowed in XML");
    const std::string ctl_ref = test::read_fixture("soap/invalid/charref-control.xml");
    expect_error(ctl_ref, parse_status::invalid_character_reference,
                 "character reference to U+0001 at byte " + std::to_string(ctl_ref.find("&#x1;")) +
                     " is not allowed in XML");
    expect_error("<a>&#xFFFE;</a>", parse_status::invalid_character_reference,
                 "character reference to U+FFFE at byte 3 is not allowed in XML");
    expect_error("<a>&#55296;</a>", parse_status::invalid_character_reference,
                 "character reference to U+D800 at byte 3 is not allowed in XML");
    expect_error("<a>&#x110000;</a>", parse_status::invalid_character_reference,
                 "character reference beyond U+10FFFF at byte 3");
    expect_error("<a>&#99999999999999999999;</a>", parse_status::invalid_character_reference,
                 "character reference beyond U+10FFFF at byte 3");
    expect_error("<a x='&#;'/>", parse_status::invalid_character_reference,
                 "malformed character reference at byte 6");
    expect_error("<a>&#x41</a>", parse_status::invalid_character_reference,
                 "malformed character reference at byte 3");
}

TEST(EnvelopeTest, RejectsRawControlCharacters) {
    expect_error("<a>\x01</a>", parse_status::invalid_character_reference,
                 "character U+0001 at byte 3 is not allowed in XML");
    expect_error("<a>\xEF\xBF\xBF</a>", parse_status::invalid_character_reference,
                 "character U+FFFF at byte 3 is not allowed in XML");
    expect_error("<a><![CDATA[\x1F]]></a>", parse_status::invalid_character_reference,
                 "character U+001F at byte 12 is not allowed in XML");
}

TEST(EnvelopeTest, AllowsReferenceLookalikesInCdataCommentsAndAllowedReferences) {
    const auto r = read_envelope(
        wrap("<x xmlns=\"urn:x\"><![CDATA[&#0;]]><!-- &#1; -->&#65;&#x42;&#9;&#xD;&amp;</x>"), {});
    ASSERT_TRUE(r.ok()) << r.error().description;
}

TEST(EnvelopeTest, RejectsMalformedXmlWithPugixmlDescriptionAndOffset) {
    expect_error("<Envelope><Body><op>1</op>", parse_status::malformed_xml,
                 "XML not well-formed: Start-end tags mismatch at byte 25");
    // For a truncated document pugixml points at the last byte (25 above), ...
    const std::string unclosed = test::read_fixture("soap/invalid/unclosed.xml");
    expect_error(unclosed, parse_status::malformed_xml,
                 "XML not well-formed: Start-end tags mismatch at byte " +
                     std::to_string(unclosed.size() - 1));
    // ... and for a wrong end tag at its name.
    const std::string mismatched = test::read_fixture("soap/invalid/mismatched-tags.xml");
    expect_error(mismatched, parse_status::malformed_xml,
                 "XML not well-formed: Start-end tags mismatch at byte " +
                     std::to_string(mismatched.find("</GetConfig>") + 2));
    expect_error("  ", parse_status::malformed_xml,
                 "XML not well-formed: No document element found at byte 2");
    expect_error("", parse_status::malformed_xml,
                 "XML not well-formed: No document element found at byte 0");
}

TEST(EnvelopeTest, RejectsTextOutsideTheRootElement) {
    // pugixml drops such text silently; XML does not allow it.
    expect_error("junk" + wrap(get_config), parse_status::malformed_xml,
                 "XML not well-formed: text outside the root element at byte 0");
    const std::string after = wrap(get_config) + " junk \n";
    expect_error(after, parse_status::malformed_xml,
                 "XML not well-formed: text outside the root element at byte " +
                     std::to_string(after.size() - 3));
    expect_error(wrap(get_config) + "x>", parse_status::malformed_xml,
                 "XML not well-formed: text outside the root element at byte " +
                     std::to_string(wrap(get_config).size() + 1));
    EXPECT_TRUE(read_envelope("<?xml version=\"1.0\"?> <!-- c -->" + wrap(get_config) +
                                  " <!-- </soap:Envelope> -->\r\n<!---->",
                              {})
                    .ok());
    EXPECT_TRUE(read_envelope("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/"
                              "envelope/\"><soap:Body>" + get_config + "</soap:Body></soap:Envelope \n>",
                              {})
                    .ok());
}

TEST(EnvelopeTest, RejectsDoctypeBillionLaughsAndXxe) {
    expect_fixture_error("soap/invalid/billion-laughs.xml", parse_status::doctype,
                         "DTD not allowed in SOAP message");
    expect_fixture_error("soap/invalid/xxe.xml", parse_status::doctype,
                         "DTD not allowed in SOAP message");
    expect_error("<!DOCTYPE soap:Envelope>" + wrap(get_config), parse_status::doctype,
                 "DTD not allowed in SOAP message");
}

TEST(EnvelopeTest, RejectsProcessingInstructions) {
    expect_fixture_error("soap/invalid/processing-instruction.xml",
                         parse_status::processing_instruction,
                         "processing instruction not allowed in SOAP message");
    expect_fixture_error("soap/invalid/nested-processing-instruction.xml",
                         parse_status::processing_instruction,
                         "processing instruction not allowed in SOAP message");
    expect_error(wrap(get_config) + "<?after?>", parse_status::processing_instruction,
                 "processing instruction not allowed in SOAP message");
}

TEST(EnvelopeTest, RejectsMultipleRoots) {
    expect_fixture_error("soap/invalid/two-roots.xml", parse_status::multiple_roots,
                         "document has 2 root elements; a SOAP message has exactly one");
    expect_error("<a/><b/><c/>", parse_status::multiple_roots,
                 "document has 3 root elements; a SOAP message has exactly one");
}

TEST(EnvelopeTest, RejectsRootThatIsNotAnEnvelope) {
    expect_fixture_error("soap/invalid/root-not-envelope.xml", parse_status::not_an_envelope,
                         "root element is not a SOAP Envelope");
}

TEST(EnvelopeTest, WrongEnvelopeNamespaceIsVersionMismatch) {
    const std::string message = "SOAP version mismatch: Envelope namespace is not "
                                "http://schemas.xmlsoap.org/soap/envelope/";
    expect_fixture_error("soap/invalid/wrong-envelope-namespace.xml",
                         parse_status::wrong_envelope_namespace, message);
    expect_error("<Envelope><Body>" + get_config + "</Body></Envelope>",
                 parse_status::wrong_envelope_namespace, message);
    // An undeclared prefix resolves to no namespace at all.
    expect_error("<soap:Envelope><soap:Body>" + get_config + "</soap:Body></soap:Envelope>",
                 parse_status::wrong_envelope_namespace, message);
    EXPECT_EQ(error_of("<Envelope/>").code(), fault_code::version_mismatch);
}

TEST(EnvelopeTest, RejectsHeader) {
    expect_fixture_error("soap/invalid/header-present.xml", parse_status::header_present,
                         "SOAP Header not allowed in MS-WUSP messages");
}

TEST(EnvelopeTest, RejectsMissingDuplicateAndEmptyBody) {
    expect_fixture_error("soap/invalid/missing-body.xml", parse_status::missing_body,
                         "SOAP Envelope has no Body");
    expect_fixture_error("soap/invalid/two-bodies.xml", parse_status::multiple_bodies,
                         "SOAP Envelope has more than one Body");
    expect_fixture_error("soap/invalid/empty-body.xml", parse_status::empty_body,
                         "SOAP Body is empty");
    expect_error(soap_open + "  text only  " + soap_close, parse_status::empty_body,
                 "SOAP Body is empty");
    // A Body in another namespace is not the SOAP Body.
    expect_error("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                 "<Body>" + get_config + "</Body></soap:Envelope>",
                 parse_status::missing_body, "SOAP Envelope has no Body");
}

std::string nested(std::size_t depth) {
    // Envelope and Body are levels 1 and 2.
    std::string open;
    std::string close;
    for (std::size_t i = 2; i < depth; ++i) {
        open += "<e>";
        close += "</e>";
    }
    return wrap("<w xmlns=\"urn:x\">" + open.substr(3) + close.substr(4) + "</w>");
}

TEST(EnvelopeTest, DepthLimitIs64) {
    EXPECT_TRUE(read_envelope(nested(64), {}).ok());
    expect_error(nested(65), parse_status::limit_exceeded, "maximum element depth 64 exceeded");
    expect_fixture_error("soap/invalid/depth-65.xml", parse_status::limit_exceeded,
                         "maximum element depth 64 exceeded");
}

TEST(EnvelopeTest, DeepNestingIsRejectedWithoutRecursion) {
    // 100,000 levels: pugixml parses it with constant stack and so must the limit walk.
    std::string deep;
    for (int i = 0; i < 100000; ++i) {
        deep += "<e>";
    }
    for (int i = 0; i < 100000; ++i) {
        deep += "</e>";
    }
    limits lim;
    lim.max_depth = 200000;
    EXPECT_TRUE(read_envelope(wrap(deep), lim).ok());
    expect_error(wrap(deep), parse_status::limit_exceeded, "maximum element depth 64 exceeded");
}

TEST(EnvelopeTest, ChildrenLimit) {
    std::string many;
    for (int i = 0; i < 100000; ++i) {
        many += "<i/>";
    }
    expect_error(wrap("<w xmlns=\"urn:x\">" + many + "</w>"), parse_status::limit_exceeded,
                 "maximum of 50000 children per element exceeded");
    limits lim;
    lim.max_children = 3;
    EXPECT_TRUE(read_envelope(wrap("<w xmlns=\"urn:x\"><i/><i/><i/></w>"), lim).ok());
    expect_error(wrap("<w xmlns=\"urn:x\"><i/><i/><i/><i/></w>"), parse_status::limit_exceeded,
                 "maximum of 3 children per element exceeded", lim);
}

TEST(EnvelopeTest, AttributeLimit) {
    std::string attrs;
    for (int i = 0; i < 501; ++i) {
        attrs += " a" + std::to_string(i) + "=\"1\"";
    }
    expect_error(wrap("<w xmlns=\"urn:x\"" + attrs + "/>"), parse_status::limit_exceeded,
                 "maximum of 500 attributes per element exceeded");
    limits lim;
    lim.max_attributes = 501;
    EXPECT_TRUE(read_envelope(wrap("<w" + attrs + "/>"), lim).ok());
}

TEST(EnvelopeTest, NamespacesResolveThroughPrefixesAndDefaults) {
    const auto r = read_envelope(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:q=\"urn:q\">"
        "<s:Body><q:Op><a/><b xmlns=\"urn:b\"><c/><d xmlns=\"\"/></b><q:e/><p:f xmlns:p=\"urn:q\"/>"
        "<xml:g/></q:Op></s:Body></s:Envelope>",
        {});
    ASSERT_TRUE(r.ok()) << r.error().description;
    const pugi::xml_node op = r.value().body_child;
    EXPECT_EQ(local_name(op), "Op");
    EXPECT_EQ(namespace_of(op), "urn:q");
    EXPECT_EQ(namespace_of(op.child("a")), "");
    EXPECT_EQ(namespace_of(op.child("b")), "urn:b");
    EXPECT_EQ(namespace_of(op.child("b").child("c")), "urn:b");
    EXPECT_EQ(namespace_of(op.child("b").child("d")), "");
    EXPECT_EQ(namespace_of(op.child("q:e")), "urn:q");
    EXPECT_EQ(namespace_of(op.child("xml:g")), "http://www.w3.org/XML/1998/namespace");
    // child_ns matches the namespace URI, whatever the prefix.
    EXPECT_EQ(child_ns(op, "urn:q", "e"), op.child("q:e"));
    EXPECT_EQ(child_ns(op, "urn:q", "f"), op.child("p:f"));
    EXPECT_FALSE(child_ns(op, "urn:q", "a"));
    EXPECT_EQ(child_ns(op, "", "a"), op.child("a"));
    EXPECT_FALSE(child_ns(op, "urn:other", "e"));
}

TEST(EnvelopeTest, IsNilNeedsTheXsiNamespace) {
    const auto r = read_envelope(
        wrap("<w xmlns=\"urn:x\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:o=\"urn:other\">"
             "<a xsi:nil=\"1\"/><b xsi:nil=\"true\"/><c i:nil=\" true \"/><d xsi:nil=\"false\"/>"
             "<e o:nil=\"true\"/><f nil=\"true\"/><g/></w>"),
        {});
    ASSERT_TRUE(r.ok()) << r.error().description;
    const pugi::xml_node w = r.value().body_child;
    EXPECT_TRUE(is_nil(w.child("a")));
    EXPECT_TRUE(is_nil(w.child("b")));
    EXPECT_TRUE(is_nil(w.child("c")));
    EXPECT_FALSE(is_nil(w.child("d")));
    EXPECT_FALSE(is_nil(w.child("e")));
    EXPECT_FALSE(is_nil(w.child("f")));
    EXPECT_FALSE(is_nil(w.child("g")));
}

}  // namespace
}  // namespace wsuslab::protocol
