#!/bin/sh
# Managed policy folder for IT (see policy/lantern-policy.example.json).
mkdir -p /etc/lantern
chmod 755 /etc/lantern
