// Every built-in server package adds itself to the one registry in @mcpkit/core when its
// `register` module loads. Registration is cheap: each server's code loads only when created.
import '@mcpkit/examples/register';
import '@mcpkit/filesystem/register';
import '@mcpkit/postgres/register';
