"""CO2e of data transfer with the Sustainable Web Design model, version 4.

A line-for-line port of `SustainableWebDesign.perByte()` in CO2.js
(npm `@tgwf/co2` 0.19.0, `dist/esm/sustainable-web-design-v4.js`), with the
constants of its `dist/esm/constants/index.js` (`SWDV4`). The port matters
because the figures on the footprint page (and in each email's footer) must be
the ones CO2.js gives; the test suite runs CO2.js in Node on the same byte
counts to hold us to it.

What the model does, as CO2.js implements it:

* energy = bytes / 1e9 x kWh per GB, for three segments (data centre, network,
  user device), once for operational energy and once for embodied energy;
* operational energy is multiplied by the grid intensity given (per segment,
  one value here); embodied energy always by the model's global intensity
  (494 g/kWh), whatever intensity is given;
* green hosting removes that share of the data centre's operational emissions.
"""

from __future__ import annotations

from typing import NamedTuple

CO2JS_PACKAGE = "@tgwf/co2"
CO2JS_VERSION = "0.19.0"
MODEL_NAME = "Sustainable Web Design model v4"
MODEL_URL = "https://sustainablewebdesign.org/estimating-digital-emissions/"
CO2JS_URL = "https://developers.thegreenwebfoundation.org/co2js/overview/"

BYTES_PER_GB = 1_000_000_000  # CO2.js `fileSize.GIGABYTE`: decimal gigabytes

OPERATIONAL_KWH_PER_GB_DATACENTER = 0.055
OPERATIONAL_KWH_PER_GB_NETWORK = 0.059
OPERATIONAL_KWH_PER_GB_DEVICE = 0.08
EMBODIED_KWH_PER_GB_DATACENTER = 0.012
EMBODIED_KWH_PER_GB_NETWORK = 0.013
EMBODIED_KWH_PER_GB_DEVICE = 0.081
GLOBAL_GRID_INTENSITY = 494.0  # g CO2e/kWh, `SWDV4.GLOBAL_GRID_INTENSITY`

OPERATIONAL_KWH_PER_GB = (
    OPERATIONAL_KWH_PER_GB_DATACENTER
    + OPERATIONAL_KWH_PER_GB_NETWORK
    + OPERATIONAL_KWH_PER_GB_DEVICE
)
EMBODIED_KWH_PER_GB = (
    EMBODIED_KWH_PER_GB_DATACENTER
    + EMBODIED_KWH_PER_GB_NETWORK
    + EMBODIED_KWH_PER_GB_DEVICE
)


class Estimate(NamedTuple):
    """What one transfer of `transferred_bytes` costs under SWD v4."""

    transferred_bytes: int
    grid_intensity: float
    green_hosting_factor: float
    operational_kwh: float
    embodied_kwh: float
    operational_grams: float
    embodied_grams: float

    @property
    def energy_kwh(self) -> float:
        return self.operational_kwh + self.embodied_kwh

    @property
    def co2e_grams(self) -> float:
        return self.operational_grams + self.embodied_grams


def estimate(
    transferred_bytes: int,
    grid_intensity: float = GLOBAL_GRID_INTENSITY,
    green_hosting_factor: float = 0.0,
) -> Estimate:
    """CO2e of moving `transferred_bytes` once, as CO2.js `perByte` computes it.

    `grid_intensity` (g CO2e/kWh) applies to the operational energy of all
    three segments, like `perByteTrace(bytes, false, {gridIntensity: {device:
    x, dataCenter: x, network: x}})`. Fewer than one byte costs nothing, as in
    CO2.js.
    """
    if grid_intensity < 0:
        raise ValueError(f"grid intensity must be >= 0 g/kWh, got {grid_intensity}")
    if not 0 <= green_hosting_factor <= 1:
        raise ValueError(
            f"green hosting factor must be between 0 and 1, got {green_hosting_factor}"
        )
    if transferred_bytes < 1:
        return Estimate(int(transferred_bytes), grid_intensity, green_hosting_factor,
                        0.0, 0.0, 0.0, 0.0)
    gigabytes = transferred_bytes / BYTES_PER_GB
    datacenter_kwh = gigabytes * OPERATIONAL_KWH_PER_GB_DATACENTER
    network_kwh = gigabytes * OPERATIONAL_KWH_PER_GB_NETWORK
    device_kwh = gigabytes * OPERATIONAL_KWH_PER_GB_DEVICE
    embodied_kwh = gigabytes * EMBODIED_KWH_PER_GB
    operational_grams = (
        datacenter_kwh * grid_intensity * (1 - green_hosting_factor)
        + network_kwh * grid_intensity
        + device_kwh * grid_intensity
    )
    return Estimate(
        transferred_bytes=int(transferred_bytes),
        grid_intensity=grid_intensity,
        green_hosting_factor=green_hosting_factor,
        operational_kwh=datacenter_kwh + network_kwh + device_kwh,
        embodied_kwh=embodied_kwh,
        operational_grams=operational_grams,
        embodied_grams=embodied_kwh * GLOBAL_GRID_INTENSITY,
    )


def co2e_grams(transferred_bytes: int, grid_intensity: float = GLOBAL_GRID_INTENSITY,
               green_hosting_factor: float = 0.0) -> float:
    """Grams of CO2e for one transfer; shorthand for `estimate(...).co2e_grams`."""
    return estimate(transferred_bytes, grid_intensity, green_hosting_factor).co2e_grams


def transfer_share_grams_per_byte(grid_intensity: float, green_hosting_factor: float = 0.0) -> float:
    """The data-centre and network share of one byte's CO2e (operational and embodied).

    A reader's device is costed by the time it runs instead, so its segment is left out.
    """
    operational = (
        OPERATIONAL_KWH_PER_GB_DATACENTER * grid_intensity * (1 - green_hosting_factor)
        + OPERATIONAL_KWH_PER_GB_NETWORK * grid_intensity
    )
    embodied = (EMBODIED_KWH_PER_GB_DATACENTER + EMBODIED_KWH_PER_GB_NETWORK) * GLOBAL_GRID_INTENSITY
    return (operational + embodied) / BYTES_PER_GB
