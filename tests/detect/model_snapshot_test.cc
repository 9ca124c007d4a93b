// Detector snapshots (model_snapshot.h): the learnt baselines survive a restart exactly,
// and a damaged, foreign or hostile file is refused whole with its reason, changing
// nothing.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "dataplane/detect/model_snapshot.h"
#include "tests/support/seasonal_traffic.h"

namespace synwatch::testing {
namespace {

constexpr int64_t kDay = kMinutesPerDay;

// The partition's traffic; syn_flood learns the service's baseline from it too.
void feed(DetectHarness& h, int64_t from, int64_t to) { feed_seasonal_minutes(h, from, to, 7); }

std::string snapshot_after(int64_t minutes) {
  DetectHarness h;
  feed(h, 0, minutes);
  return h.engine().snapshot();
}

TEST(ModelSnapshot, RestoresWhatItSaved) {
  const std::string saved = snapshot_after(2 * kDay);
  DetectHarness fresh;
  std::string restored;
  ASSERT_EQ(fresh.engine().restore(saved, restored), "");
  EXPECT_EQ(restored, "1 of syn_flood, 1 of failed_sessions");
  EXPECT_EQ(fresh.engine().snapshot(), saved);
}

// Stopping after two days and starting from the snapshot learns exactly what running on
// would have: the partition models and the service baselines are the same bytes.
TEST(ModelSnapshot, ARestartContinuesAsIfItNeverStopped) {
  DetectHarness straight;
  feed(straight, 0, 3 * kDay);

  DetectHarness before;
  feed(before, 0, 2 * kDay);
  before.finish(kSeasonT0 + 2 * kDay * kMinuteMs);
  DetectHarness after;
  std::string restored;
  ASSERT_EQ(after.engine().restore(before.engine().snapshot(), restored), "");
  feed(after, 2 * kDay, 3 * kDay);

  EXPECT_EQ(after.engine().snapshot(), straight.engine().snapshot());
  DetectHarness forgetful;  // without the snapshot the models differ: the test can fail
  feed(forgetful, 2 * kDay, 3 * kDay);
  EXPECT_NE(forgetful.engine().snapshot(), straight.engine().snapshot());
}

// The frame around the sections, rebuilt with a fresh checksum after `edit`.
template <typename Edit>
std::string resealed(const std::string& file, Edit&& edit) {
  std::string sections = file.substr(16, file.size() - 24);
  edit(sections);
  return detect::snapshot_file_bytes(10, sections);
}

TEST(ModelSnapshot, RefusesDamagedOrForeignFilesAndChangesNothing) {
  const std::string saved = snapshot_after(kDay);
  DetectHarness h;
  feed(h, 0, 60);
  const std::string before = h.engine().snapshot();
  std::string restored;

  std::string flipped = saved;
  flipped[flipped.size() / 2] ^= 0x01;
  EXPECT_EQ(h.engine().restore(flipped, restored), "checksum mismatch (a damaged file)");
  EXPECT_EQ(h.engine().restore(saved.substr(0, saved.size() - 9), restored), "checksum mismatch (a damaged file)");
  EXPECT_EQ(h.engine().restore("hello", restored), "not a synwatch detector snapshot");
  EXPECT_EQ(h.engine().restore(detect::snapshot_file_bytes(60, saved.substr(16, saved.size() - 24)), restored),
            "made with detectors.interval_s 60, now 10");
  // A seasonal factor of 1000, checksum correct: out of range.
  const std::string bad_season = resealed(saved, [](std::string& s) {
    const size_t factor = s.find("failed_sessions") + 15 + 4 + 4 + 20 + 8 + 8;  // the first factor
    const float huge = 1000;
    uint32_t bits;
    std::memcpy(&bits, &huge, 4);
    for (int i = 0; i < 4; ++i) s[factor + size_t(i)] = static_cast<char>(bits >> (24 - 8 * i));
  });
  EXPECT_EQ(h.engine().restore(bad_season, restored), "section failed_sessions: malformed or out of range");
  // An entry count far past the bytes that follow.
  const std::string bad_count = resealed(saved, [](std::string& s) {
    const size_t count = s.find("failed_sessions") + 15 + 4;
    s[count] = '\x7f';
  });
  EXPECT_EQ(h.engine().restore(bad_count, restored), "section failed_sessions: malformed or out of range");
  EXPECT_EQ(h.engine().snapshot(), before);  // nothing changed
}

// Random damage behind a valid checksum: every answer is "restored" or a reason; no
// crash, no read out of bounds (the sanitizer build runs this too).
TEST(ModelSnapshot, SurvivesRandomDamage) {
  const std::string saved = snapshot_after(kDay);
  std::mt19937 rng(11);
  DetectHarness h;
  int refused = 0;
  for (int round = 0; round < 300; ++round) {
    const std::string damaged = resealed(saved, [&](std::string& s) {
      for (int k = 1 + int(rng() % 8); k > 0; --k) {
        if (rng() % 4 == 0) s.resize(rng() % (s.size() + 1));
        else if (!s.empty()) s[rng() % s.size()] = static_cast<char>(rng());
      }
    });
    std::string restored;
    refused += !h.engine().restore(damaged, restored).empty();
  }
  EXPECT_GT(refused, 150);
}

TEST(ModelSnapshot, FilesAreReplacedWholeAndReadBack) {
  const std::string path = ::testing::TempDir() + "/synwatch-detect.snapshot";
  const std::string saved = snapshot_after(kDay);
  ASSERT_EQ(detect::write_file_atomically(path, "old"), "");
  ASSERT_EQ(detect::write_file_atomically(path, saved), "");
  std::string back;
  bool missing = true;
  ASSERT_EQ(detect::read_small_file(path, saved.size(), back, missing), "");
  EXPECT_EQ(back, saved);
  EXPECT_NE(detect::read_small_file(path, saved.size() - 1, back, missing), "");  // over the limit
  EXPECT_NE(detect::read_small_file(path + ".absent", 100, back, missing), "");
  EXPECT_TRUE(missing);
  EXPECT_NE(detect::write_file_atomically("/nonexistent-dir/x", saved), "");
}

}  // namespace
}  // namespace synwatch::testing
