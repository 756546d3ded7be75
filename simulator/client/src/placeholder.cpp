// PLACEHOLDER so the library has a source until the client lands; delete when adding real sources.
namespace wsuslab::client { int placeholder_symbol = 0; }
