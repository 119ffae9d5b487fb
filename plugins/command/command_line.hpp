// The `command` key split into argv, with no shell: words are separated by
// spaces or tabs; "double" or 'single' quotes keep spaces in a word; a
// backslash outside single quotes takes the next character as it is. No
// variables, globs, pipes or redirections: those characters are plain text.
#pragma once

#include <string>
#include <vector>

namespace scanhook::command {

// Throws std::invalid_argument naming the problem (an unclosed quote, a
// trailing backslash, no words).
std::vector<std::string> split_command(const std::string& text);

// The argv as a reader would type it again (quotes where needed), for logs
// and explain.
std::string show_command(const std::vector<std::string>& argv);

}  // namespace scanhook::command
