using System.Net;
using System.Net.Sockets;

namespace Switchyard.Bench.Hosting;

/// <summary>Loopback ports nobody listens on, taken from the kernel's ephemeral range.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                // The same port may come back before its first owner binds it.
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
