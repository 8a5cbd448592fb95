"""Survey waves of the civic science-literacy survey on the web: upload, design mapping, stored
estimates of 公民具备科学素质的比例 by region and group, trend against the plan's headline target."""
