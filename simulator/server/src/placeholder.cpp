// PLACEHOLDER so the library has a source until the server lands; delete when adding real sources.
namespace wsuslab::server { int placeholder_symbol = 0; }
