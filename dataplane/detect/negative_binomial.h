// Upper tail of the negative binomial distribution, for counts that vary more than a
// Poisson (over-dispersion): mean mu, variance mu + phi mu^2 (size r = 1/phi).
//   P(X >= x) = I_{mu/(r+mu)}(x, r), the regularised incomplete beta function,
// computed by its continued fraction (Lentz), to about 1e-12 relative.
#pragma once

#include <cmath>

namespace synwatch::detect {

namespace nb_detail {
inline double beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-13;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEps) break;
  }
  return h;
}
}  // namespace nb_detail

// I_x(a, b).
inline double regularized_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * nb_detail::beta_fraction(a, b, x) / a;
  return 1 - std::exp(log_front) * nb_detail::beta_fraction(b, a, 1 - x) / b;
}

// log P(X = x) for X ~ NB(mean mu, dispersion phi > 0); a lower bound of the upper tail
// that costs three log-gamma calls.
inline double negative_binomial_log_pmf(double x, double mu, double phi) {
  const double r = 1 / phi;
  return std::lgamma(x + r) - std::lgamma(r) - std::lgamma(x + 1) + r * std::log(r / (r + mu)) +
         x * std::log(mu / (r + mu));
}

// P(X >= x) for X ~ NB(mean mu, dispersion phi > 0).
inline double negative_binomial_upper_tail(double x, double mu, double phi) {
  if (x <= 0) return 1;
  if (mu <= 0) return 0;
  const double r = 1 / phi;
  return regularized_beta(x, r, mu / (r + mu));
}

}  // namespace synwatch::detect
