"""Real face-verification providers behind ``face.FaceProvider`` (R-ID-4): one module a provider.
``tencent.TencentFaceProvider`` is Tencent Cloud FaceID (人脸核身, H5)."""
