// TextTable: columns aligned for people; numbers right, text left.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace synwatch::ctl {

class TextTable {
 public:
  // A header starting with '>' is a right-aligned (numeric) column; the '>' is not shown.
  explicit TextTable(std::vector<std::string> headers) {
    for (auto& h : headers) {
      const bool right = !h.empty() && h[0] == '>';
      right_.push_back(right);
      header_.push_back(right ? h.substr(1) : h);
    }
  }
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }

  void print(std::FILE* out) const {
    std::vector<size_t> width(header_.size());
    for (size_t c = 0; c < header_.size(); ++c) width[c] = header_[c].size();
    for (const auto& r : rows_)
      for (size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
    print_row(out, header_, width);
    for (const auto& r : rows_) print_row(out, r, width);
  }

 private:
  void print_row(std::FILE* out, const std::vector<std::string>& cells, const std::vector<size_t>& width) const {
    std::string line;
    for (size_t c = 0; c < width.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const std::string pad(width[c] - std::min(width[c], cell.size()), ' ');
      if (c > 0) line += "  ";
      line += right_[c] ? pad + cell : (c + 1 == width.size() ? cell : cell + pad);
    }
    std::fprintf(out, "%s\n", line.c_str());
  }

  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace synwatch::ctl
