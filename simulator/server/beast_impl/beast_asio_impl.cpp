// The compiled parts of Boost.Asio (with its SSL layer) and Boost.Beast, built once here instead of
// inline in every translation unit that includes them: BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION travel with the wsuslab_beast target to every user
// (docs/performance.md "Build time").
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
