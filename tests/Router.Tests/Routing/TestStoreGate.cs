using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Admission;

namespace Switchyard.Router.Tests.Routing;

/// <summary>The process's store gate as the Router builds it, on a clock and probe interval the test chooses.</summary>
internal static class TestStoreGate
{
    public static StoreGate Create(TimeProvider? clock = null, TimeSpan? probeInterval = null, TimeSpan? storeTimeout = null) => new(
        clock ?? TimeProvider.System,
        new StaticOptionsMonitor<AdmissionOptions>(new AdmissionOptions
        {
            ProbeInterval = probeInterval ?? TimeSpan.FromSeconds(1),
            StoreTimeout = storeTimeout ?? new AdmissionOptions().StoreTimeout,
        }),
        NullLogger<StoreGate>.Instance);
}
