#include "listing_parser.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

#include "mod_time.hpp"

namespace scanhook::rclone {

namespace {

// Depth 1 is the answer object, 2 the "list" array, 3 one item.
class ListingHandler final : public Poco::JSON::Handler {
 public:
  ListingHandler(Listing& listing, UntimedFiles& untimed) : listing_(listing), untimed_(untimed) {}

  bool saw_list() const { return saw_list_; }

  void reset() override {}
  void startObject() override {
    ++depth_;
    if (in_list_ && depth_ == 3) item_ = Item{};
  }
  void endObject() override {
    if (in_list_ && depth_ == 3) finish_item();
    --depth_;
  }
  void startArray() override {
    ++depth_;
    if (depth_ == 2 && key_ == "list") in_list_ = saw_list_ = true;
  }
  void endArray() override {
    if (depth_ == 2) in_list_ = false;
    --depth_;
  }
  void key(const std::string& k) override { key_ = k; }
  void null() override {}
  void value(int v) override { number(v); }
  void value(unsigned v) override { number(v); }
  void value(Poco::Int64 v) override { number(v); }
  void value(Poco::UInt64 v) override { number(static_cast<std::int64_t>(v)); }
  void value(double v) override { number(static_cast<std::int64_t>(v)); }
  void value(const std::string& v) override {
    if (!in_item()) return;
    if (key_ == "Path") {
      item_.path = v;
      item_.has_path = true;
    } else if (key_ == "ModTime") {
      item_.mod_time = v;
    }
  }
  void value(bool v) override {
    if (in_item() && key_ == "IsDir") item_.is_dir = v;
  }

 private:
  struct Item {
    std::string path;
    bool has_path = false;
    std::int64_t size = -1;
    std::string mod_time;
    bool is_dir = false;
  };

  bool in_item() const { return in_list_ && depth_ == 3; }
  void number(std::int64_t v) {
    if (in_item() && key_ == "Size") item_.size = v;
  }
  void finish_item() {
    if (item_.is_dir) return;
    if (!item_.has_path || item_.path.empty())
      throw std::runtime_error("an entry of operations/list has no Path");
    const auto mod_time = parse_mod_time(item_.mod_time);
    if (!mod_time && untimed_.count++ == 0) {
      untimed_.first_path = item_.path;
      untimed_.first_mod_time = item_.mod_time;
    }
    listing_.add(item_.path, item_.size, mod_time.value_or(kNoModTime));
  }

  Listing& listing_;
  UntimedFiles& untimed_;
  int depth_ = 0;
  bool in_list_ = false;
  bool saw_list_ = false;
  std::string key_;
  Item item_;
};

}  // namespace

Listing parse_listing(const std::string& json, UntimedFiles& untimed) {
  Listing listing;
  // One record per ~150 bytes of rclone's pretty-printed answer, paths ~1/3 of it.
  listing.reserve(json.size() / 150, json.size() / 3);
  Poco::SharedPtr<ListingHandler> handler = new ListingHandler(listing, untimed);
  Poco::JSON::Parser parser(handler);
  try {
    parser.parse(json);
  } catch (const Poco::Exception& error) {
    throw std::runtime_error("operations/list did not answer JSON: " + error.message());
  }
  if (!handler->saw_list()) throw std::runtime_error("operations/list answered without a \"list\"");
  return listing;
}

}  // namespace scanhook::rclone
