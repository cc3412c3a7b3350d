// The cluster's certificate authority, as the components that hand it out know it.

/** The cluster CA's certificate, abbreviated: podflow has no real CA (a PEM block's shape only). */
export const clusterCACert = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIcG9kZmxvdzANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQD\nEwprdWJlcm5ldGVzMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFowFTET\n-----END CERTIFICATE-----\n";

/** The ConfigMap the root-CA publisher keeps in every namespace (RootCACertConfigMapName). */
export const rootCAConfigMapName = "kube-root-ca.crt";
